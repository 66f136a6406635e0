-- School gates (migration 016) get a change counter like the other layers (migration 007): quality placement and the
-- school protection report are answered from gates, and a job's stored answer is reused only while the versions of
-- the tables it read are unchanged.
INSERT INTO table_version (table_name) VALUES ('school_gate') ON CONFLICT (table_name) DO NOTHING;
CREATE TRIGGER school_gate_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON school_gate
  FOR EACH STATEMENT EXECUTE FUNCTION bump_table_version();
