package io.linktally.it;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Link-created events with known answers. Each event spells one of a few canonical base URLs in
 * a way real posts do; expected counts are kept by base URL, so they do not rely on the code
 * under test to canonicalise. Some events repeat an earlier update_id (counted once), and some
 * posts embed two links (one update_id, two URLs, counted for both).
 */
final class ShareDataSet {
    record Share(String updateId, String url, String base, boolean repeat) {
        byte[] key() {
            return updateId.getBytes(StandardCharsets.UTF_8);
        }

        byte[] value() {
            return json().getBytes(StandardCharsets.UTF_8);
        }

        String json() {
            return "{\"url\":\"" + url + "\",\"update_id\":\"" + updateId + "\",\"created_at\":\"1480431305\",\"profile_id\":\"654321\"}";
        }
    }

    private final List<Share> shares;
    private final List<String> bases;
    private final Map<String, Long> expected;

    private ShareDataSet(List<Share> shares, List<String> bases, Map<String, Long> expected) {
        this.shares = shares;
        this.bases = bases;
        this.expected = expected;
    }

    static ShareDataSet generate(long seed, String idPrefix, int events, int urls, double repeatRatio) {
        Random random = new Random(seed);
        List<String> bases = new ArrayList<>();
        for (int i = 0; i < urls; i++) {
            bases.add("https://site" + (i % 7) + ".example/articles/" + idPrefix + i);
        }
        List<Share> shares = new ArrayList<>(events);
        Map<String, Long> expected = new TreeMap<>();
        bases.forEach(base -> expected.put(base, 0L));
        for (int n = 0; shares.size() < events; n++) {
            if (!shares.isEmpty() && random.nextDouble() < repeatRatio) {
                Share earlier = shares.get(random.nextInt(shares.size()));
                shares.add(new Share(earlier.updateId(), spell(earlier.base(), random), earlier.base(), true));
                continue;
            }
            // Skewed popularity: low-numbered URLs are shared far more often.
            String base = bases.get((int) Math.floor(Math.pow(random.nextDouble(), 3) * urls));
            String updateId = idPrefix + "-" + n;
            shares.add(new Share(updateId, spell(base, random), base, false));
            expected.merge(base, 1L, Long::sum);
            if (n % 50 == 49) {
                String second = bases.get(random.nextInt(urls));
                if (!second.equals(base)) {
                    shares.add(new Share(updateId, spell(second, random), second, false));
                    expected.merge(second, 1L, Long::sum);
                }
            }
        }
        return new ShareDataSet(shares, bases, expected);
    }

    private static String spell(String base, Random random) {
        String host = base.substring("https://".length(), base.indexOf('/', "https://".length()));
        String path = base.substring(base.indexOf('/', "https://".length()));
        return switch (random.nextInt(5)) {
            case 0 -> base;
            case 1 -> "HTTPS://WWW." + host.toUpperCase() + path + "?utm_source=it&utm_medium=social";
            case 2 -> "https://" + host + ":443" + path.replace("/articles/", "/articles/./") + "#comments";
            case 3 -> "https://www." + host + path.replace("/articles/", "/x/../articles/") + "?fbclid=abc";
            default -> "https://" + host + path.replace("-", "%2D");
        };
    }

    List<Share> shares() {
        return shares;
    }

    List<String> urls() {
        return bases;
    }

    Map<String, Long> expected() {
        return expected;
    }

    long total() {
        return expected.values().stream().mapToLong(Long::longValue).sum();
    }

    static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> merged = new HashMap<>(a);
        b.forEach((url, n) -> merged.merge(url, n, Long::sum));
        return new TreeMap<>(merged);
    }
}
