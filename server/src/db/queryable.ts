/** Anything SQL can be sent to: the database itself, an open transaction, or the read side (`Db.reader`). */
export interface Queryable {
  /** One statement with $1… parameters; rows come back as plain objects. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
}
