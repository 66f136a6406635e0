-- `mode replace` (issue #15): an import may delete the rows earlier imports of the same file wrote and this one no
-- longer holds; the batch lists them as 'deleted' with their before-image (and import keys), so undo puts them back.
ALTER TABLE import_row DROP CONSTRAINT import_row_action_check;
ALTER TABLE import_row ADD CONSTRAINT import_row_action_check CHECK (action IN ('new', 'updated', 'deleted'));
