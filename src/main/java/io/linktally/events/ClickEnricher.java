package io.linktally.events;

import java.net.URI;
import java.util.Locale;

/**
 * A click's traits from what the event carries: the referrer's host, the country of the address,
 * and the browser, OS and device of the user agent. Runs once per click, before the repartition,
 * so the counting side only adds up labels.
 */
public final class ClickEnricher {
    private final UserAgents userAgents;
    private final Countries countries;

    public ClickEnricher(UserAgents userAgents, Countries countries) {
        this.userAgents = userAgents;
        this.countries = countries;
    }

    public ClickTraits traits(ClickEvent click) {
        UserAgents.Agent agent = userAgents.classify(click.userAgent());
        return new ClickTraits(referrerHost(click.referrer()), countries.country(click.ip()), agent.browser(), agent.os(), agent.device(),
                agent.bot());
    }

    /** The host a click came from, lower case and without a leading {@code www.}, as people name sites. */
    static String referrerHost(String referrer) {
        if (referrer == null || referrer.isBlank()) {
            return ClickTraits.DIRECT;
        }
        try {
            String host = URI.create(referrer.strip()).getHost();
            if (host == null || host.isEmpty()) {
                return ClickTraits.UNKNOWN;
            }
            host = host.toLowerCase(Locale.ROOT);
            if (host.endsWith(".")) {
                host = host.substring(0, host.length() - 1);
            }
            return host.startsWith("www.") && host.length() > 4 ? host.substring(4) : host;
        } catch (IllegalArgumentException e) {
            return ClickTraits.UNKNOWN;
        }
    }
}
