package dev.renga.core.tenants;

/**
 * The tenants in force now: a table that a reload replaces whole. A request looks its tenant up once, when it
 * starts, and keeps what it found, so a reload never changes the settings of a request in flight.
 *
 * @param <T> what one side keeps of each entry
 */
public final class Tenants<T> {
  private volatile TenantTable<T> table;
  /** The modification times and sizes of the files {@link #table} was read from, as they were when it was read. */
  private volatile String stamp = "";

  public Tenants(TenantTable<T> table) {
    this.table = table;
  }

  /** The tenant of a handler URL in the table in force now. */
  public TenantTable.Match<T> match(String handlerUrl) {
    return table.match(handlerUrl);
  }

  /** The table in force now. */
  public TenantTable<T> table() {
    return table;
  }

  /** Puts a newly loaded table in force (requests that start from now on see it). */
  public void replace(TenantTable<T> table) {
    this.table = table;
  }

  void replace(TenantTable<T> table, String stamp) {
    this.table = table;
    this.stamp = stamp;
  }

  String stamp() {
    return stamp;
  }
}
