package io.linktally.events;

import java.nio.charset.StandardCharsets;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.DiscreteSampler;
import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * Realistic link-created events for demos, tests and benchmarks: URL popularity follows a Zipf
 * law (a few URLs take most shares), URLs arrive in the spellings real posts use (tracking
 * parameters, {@code www.}, upper-case hosts, fragments), and a chosen share of events repeat an
 * earlier update_id, as retrying producers do. Deterministic for a given seed.
 */
public final class SyntheticLinks {
    private static final String[] DOMAINS = {
        "buffer.com", "nytimes.com", "theguardian.com", "github.com", "medium.com", "youtube.com",
        "bbc.co.uk", "techcrunch.com", "wikipedia.org", "substack.com", "bloomberg.com", "arxiv.org",
        "lemonde.fr", "spiegel.de", "elpais.com", "nature.com", "stackoverflow.com", "dev.to",
    };
    private static final String[] SECTIONS = {"blog", "news", "articles", "posts", "p", "watch", "story", "research"};
    private static final String[] SOURCES = {"twitter", "facebook", "linkedin", "newsletter", "buffer"};
    private static final int RECENT = 4096;

    /** One event: its key (the update_id) and its JSON value. */
    public record Event(byte[] key, byte[] value, boolean duplicate) {
    }

    private final UniformRandomProvider random;
    private final DiscreteSampler popularity;
    private final double duplicateRatio;
    private final long epochSeconds;
    private final String idPrefix;
    private final Event[] recent = new Event[RECENT];
    private long produced;

    public SyntheticLinks(long seed, int distinctUrls, double zipfExponent, double duplicateRatio, long epochSeconds) {
        if (distinctUrls < 1) {
            throw new IllegalArgumentException("distinct URLs must be at least 1");
        }
        if (duplicateRatio < 0 || duplicateRatio >= 1) {
            throw new IllegalArgumentException("duplicate ratio must be in [0, 1)");
        }
        this.random = RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
        this.popularity = RejectionInversionZipfSampler.of(random, distinctUrls, zipfExponent);
        this.duplicateRatio = duplicateRatio;
        this.epochSeconds = epochSeconds;
        this.idPrefix = "s" + Long.toHexString(seed) + "-";
    }

    public Event next() {
        if (produced > 0 && random.nextDouble() < duplicateRatio) {
            Event earlier = recent[random.nextInt((int) Math.min(produced, RECENT))];
            return new Event(earlier.key, earlier.value, true);
        }
        long n = produced++;
        String updateId = idPrefix + n;
        String json = "{\"url\":\"" + spelling(popularity.sample()) + "\",\"created_at\":\"" + epochSeconds
                + "\",\"update_id\":\"" + updateId + "\",\"profile_id\":\"" + (1 + random.nextInt(50_000)) + "\"}";
        Event event = new Event(updateId.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8), false);
        recent[(int) (n % RECENT)] = event;
        return event;
    }

    /** The canonical form of URL number {@code rank}, as counted. */
    public static String canonicalUrl(int rank) {
        return "https://" + DOMAINS[rank % DOMAINS.length] + path(rank);
    }

    private String spelling(int rank) {
        return spelling(random, rank);
    }

    /** URL number {@code rank} as real posts and links spell it: scheme and host case, www., tracking parameters, fragments. */
    static String spelling(UniformRandomProvider random, int rank) {
        String host = DOMAINS[rank % DOMAINS.length];
        StringBuilder url = new StringBuilder(96);
        url.append(random.nextInt(10) == 0 ? "HTTPS://" : "https://");
        if (random.nextInt(4) == 0) {
            url.append("www.");
        }
        url.append(random.nextInt(20) == 0 ? host.toUpperCase(java.util.Locale.ROOT) : host);
        url.append(path(rank));
        if (random.nextInt(3) == 0) {
            url.append("?utm_source=").append(SOURCES[random.nextInt(SOURCES.length)]).append("&utm_medium=social");
        }
        if (random.nextInt(10) == 0) {
            url.append("#comments");
        }
        return url.toString();
    }

    private static String path(int rank) {
        return "/" + SECTIONS[(rank / DOMAINS.length) % SECTIONS.length] + "/" + Integer.toString(rank, 36) + "-" + rank;
    }
}
