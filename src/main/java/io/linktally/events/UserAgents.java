package io.linktally.events;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import ua_parser.Client;
import ua_parser.Parser;

/**
 * What a click's user agent says: browser, OS, device class, and whether it is a bot (uap-core's
 * "Spider" device). Parsing runs dozens of regular expressions, while real traffic repeats a few
 * thousand agents, so answers are cached; the cache is bounded, and a flood of distinct agents
 * costs parsing again, never memory.
 */
public final class UserAgents {
    public static final String UNKNOWN = "unknown";
    private static final int MAX_CACHED = 10_000;
    private static final Set<String> DESKTOP_OS = Set.of("Windows", "Mac OS X", "Linux", "Ubuntu", "Fedora", "Chrome OS", "FreeBSD");

    /** A parsed agent; every part is {@value #UNKNOWN} when the agent does not say. */
    public record Agent(String browser, String os, String device, boolean bot) {
        public static final Agent NONE = new Agent(UNKNOWN, UNKNOWN, UNKNOWN, false);
    }

    private final Parser parser = new Parser();
    private final ConcurrentHashMap<String, Agent> cache = new ConcurrentHashMap<>();

    public Agent classify(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return Agent.NONE;
        }
        Agent known = cache.get(userAgent);
        if (known != null) {
            return known;
        }
        Agent parsed = parse(userAgent);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(userAgent, parsed);
        return parsed;
    }

    private Agent parse(String userAgent) {
        Client client = parser.parse(userAgent);
        boolean bot = "Spider".equals(client.device.family);
        return new Agent(known(client.userAgent.family), known(client.os.family), bot ? "bot" : deviceClass(client), bot);
    }

    private static String deviceClass(Client client) {
        String device = client.device.family.toLowerCase(Locale.ROOT);
        if (device.contains("ipad") || device.contains("tablet") || device.contains("kindle")) {
            return "tablet";
        }
        if (DESKTOP_OS.contains(client.os.family)) {
            return "desktop";
        }
        if (!"other".equals(device) || "Android".equals(client.os.family) || "iOS".equals(client.os.family)) {
            return "mobile";
        }
        return UNKNOWN;
    }

    private static String known(String family) {
        return family == null || family.isBlank() || "Other".equals(family) ? UNKNOWN : family;
    }
}
