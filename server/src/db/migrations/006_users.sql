-- Users with one role each, sessions, and sign-in lockout (issue: roles, sign-in, audit).
CREATE TABLE app_user (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username        text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9_.-]{2,40}$'),
  display_name    text,
  role            text NOT NULL CHECK (role IN ('leader', 'planner', 'grid_office', 'admin')),
  -- A planner of one station edits only that station's beats (null: every station).
  station_id      bigint REFERENCES station (id) ON DELETE SET NULL,
  password_hash   text NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  disabled        boolean NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The cookie holds a random token; only its SHA-256 is stored, so a copy of the table signs nobody in.
CREATE TABLE user_session (
  token_hash  text PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);
CREATE INDEX user_session_user_idx ON user_session (user_id);

-- Sign-ins, sign-outs, lockouts and user changes are audited like edits.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
  CHECK (action IN ('create', 'update', 'delete', 'import', 'reshape', 'split', 'merge', 'assign', 'align', 'district',
                    'sign_in', 'sign_out', 'sign_in_failed', 'locked'));
