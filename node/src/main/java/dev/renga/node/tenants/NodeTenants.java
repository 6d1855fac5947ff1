package dev.renga.node.tenants;

import com.typesafe.config.Config;
import dev.renga.core.tenants.TenantTable;
import dev.renga.core.tenants.Tenants;
import dev.renga.core.tenants.TenantsReloader;
import dev.renga.node.sandbox.SandboxSettings;
import java.util.function.UnaryOperator;

/** How a node reads renga.tenants: each entry's {@link TenantSettings} over the node's own configuration. */
public final class NodeTenants {
  private NodeTenants() {}

  /** The parser of tenant entries over {@code node} (the node's whole config), secrets from the node's environment. */
  public static TenantsReloader.Parser<TenantSettings> parser(Config node) {
    return parser(node, System::getenv);
  }

  public static TenantsReloader.Parser<TenantSettings> parser(Config node, UnaryOperator<String> environment) {
    return new TenantsReloader.Parser<>(
        (name, entry) -> TenantSettings.parse(name, entry, node, environment), TenantSettings::files);
  }

  /** No tenant entries: every request runs under the node's own settings. */
  public static Tenants<TenantSettings> none(SandboxSettings sandbox) {
    return new Tenants<>(TenantTable.only(TenantSettings.defaults(sandbox)));
  }
}
