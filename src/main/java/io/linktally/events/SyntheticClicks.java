package io.linktally.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Realistic click events for demos, tests and benchmarks, over the same URLs as
 * {@link SyntheticLinks}: popular URLs take most clicks and get them in bursts; real browsers'
 * user agents with some crawlers among them; referrers from social sites, search and newsletters,
 * or none; addresses from the documentation ranges. A chosen share repeat an earlier click_id, as
 * retrying trackers do, and a few clicks carry no click_id at all. Deterministic for a given seed.
 */
public final class SyntheticClicks {
    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Twitterbot/1.0",
    };
    private static final String[] REFERRERS = {
        "https://twitter.com/", "https://t.co/aZ3kP9", "https://www.facebook.com/", "https://www.linkedin.com/feed/",
        "https://www.google.com/", "https://news.ycombinator.com/", "https://mail.google.com/", null, null,
    };
    private static final String CODE_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final int RECENT = 4096;
    /** Clicks are this far apart in clicked_at. */
    public static final long SPACING_MS = 7;

    private final UniformRandomProvider random;
    private final DiscreteSampler popularity;
    private final double duplicateRatio;
    private final long epochMillis;
    private final String idPrefix;
    private final SyntheticLinks.Event[] recent = new SyntheticLinks.Event[RECENT];
    private long produced;
    private int burstRank;
    private int burstLeft;

    /**
     * Clicks whose clicked_at starts at epochMillis and steps by {@link #SPACING_MS}.
     *
     * @see #endingAt
     */
    public SyntheticClicks(long seed, int distinctUrls, double zipfExponent, double duplicateRatio, long epochMillis) {
        if (distinctUrls < 1) {
            throw new IllegalArgumentException("distinct URLs must be at least 1");
        }
        if (duplicateRatio < 0 || duplicateRatio >= 1) {
            throw new IllegalArgumentException("duplicate ratio must be in [0, 1)");
        }
        this.random = RandomSource.XO_RO_SHI_RO_128_PP.create(seed ^ 0x5DEECE66DL);
        this.popularity = RejectionInversionZipfSampler.of(random, distinctUrls, zipfExponent);
        this.duplicateRatio = duplicateRatio;
        this.epochMillis = epochMillis;
        this.idPrefix = "c" + Long.toHexString(seed) + "-";
    }

    /**
     * For count clicks whose last clicked_at is nowMillis: the series then lies in the past, where
     * the time series and top windows take it in. Starting at now, the clicks past about 500,000
     * would be stamped more than an hour ahead of their arrival, which no window takes.
     */
    public static SyntheticClicks endingAt(long seed, int distinctUrls, double zipfExponent, double duplicateRatio, long count,
                                           long nowMillis) {
        return new SyntheticClicks(seed, distinctUrls, zipfExponent, duplicateRatio, nowMillis - Math.max(0, count - 1) * SPACING_MS);
    }

    /** The next click: its key (the click_id, or null) and its JSON value. */
    public SyntheticLinks.Event next() {
        if (produced > 0 && random.nextDouble() < duplicateRatio) {
            SyntheticLinks.Event earlier = recent[random.nextInt((int) Math.min(produced, RECENT))];
            if (earlier.key() != null) {
                return new SyntheticLinks.Event(earlier.key(), earlier.value(), true);
            }
        }
        long n = produced++;
        int rank = nextRank();
        String clickId = random.nextInt(50) == 0 ? null : idPrefix + n;
        String referrer = REFERRERS[random.nextInt(REFERRERS.length)];
        StringBuilder json = new StringBuilder(320).append("{\"url\":\"").append(SyntheticLinks.spelling(random, rank)).append('"');
        json.append(",\"clicked_at\":\"").append(Instant.ofEpochMilli(epochMillis + n * SPACING_MS)).append('"');
        if (clickId != null) {
            json.append(",\"click_id\":\"").append(clickId).append('"');
        }
        json.append(",\"ip\":\"").append(ip()).append('"');
        json.append(",\"user_agent\":\"").append(USER_AGENTS[random.nextInt(USER_AGENTS.length)]).append('"');
        if (referrer != null) {
            json.append(",\"referrer\":\"").append(referrer).append('"');
        }
        json.append(",\"code\":\"").append(code()).append("\"}");
        SyntheticLinks.Event event = new SyntheticLinks.Event(clickId == null ? null : clickId.getBytes(StandardCharsets.UTF_8),
                json.toString().getBytes(StandardCharsets.UTF_8), false);
        recent[(int) (n % RECENT)] = event;
        return event;
    }

    /** Popular URLs come in bursts: a link that goes viral is clicked many times in a row. */
    private int nextRank() {
        if (burstLeft > 0) {
            burstLeft--;
            return burstRank;
        }
        int rank = popularity.sample();
        if (rank <= 20 && random.nextInt(4) == 0) {
            burstRank = rank;
            burstLeft = 5 + random.nextInt(50);
        }
        return rank;
    }

    private String ip() {
        return switch (random.nextInt(4)) {
            case 0 -> "203.0.113." + random.nextInt(256);
            case 1 -> "198.51.100." + random.nextInt(256);
            case 2 -> "192.0.2." + random.nextInt(256);
            default -> "2001:db8::" + Integer.toHexString(random.nextInt(65536));
        };
    }

    private String code() {
        char[] code = new char[6];
        for (int i = 0; i < code.length; i++) {
            code[i] = CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length()));
        }
        return new String(code);
    }
}
