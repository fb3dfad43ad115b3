package io.linktally.config;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;

/**
 * Every option can be set by an environment variable: {@code LINKTALLY_} and the option's long
 * name in upper case with dashes as underscores ({@code --http-port} = {@code LINKTALLY_HTTP_PORT}).
 * A command-line value wins over the variable, the variable over the built-in default.
 */
public final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {
    public static final String PREFIX = "LINKTALLY_";

    private final Map<String, String> environment;

    public EnvironmentDefaults(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static String variableFor(String longOptionName) {
        return PREFIX + longOptionName.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argSpec) {
        if (argSpec instanceof CommandLine.Model.OptionSpec option) {
            String value = environment.get(variableFor(option.longestName()));
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return argSpec.defaultValue();
    }
}
