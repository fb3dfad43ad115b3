package io.linktally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickEnricherTest {
    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/17.5 Mobile/15E148 Safari/604.1";

    @TempDir
    Path dir;

    private static ClickEvent click(String ip, String userAgent, String referrer) {
        return new ClickEvent("https://buffer.com/", "https://buffer.com/", null, null, ip, userAgent, referrer, null);
    }

    @Test
    void aClickGetsItsReferrerHostCountryBrowserOsAndDevice() throws IOException {
        Path mmdb = dir.resolve("GeoLite2-Country.mmdb");
        try (InputStream in = ClickEnricherTest.class.getResourceAsStream("/GeoLite2-Country.mmdb")) {
            Files.copy(in, mmdb);
        }
        try (Countries countries = Countries.open(mmdb)) {
            ClickEnricher enricher = new ClickEnricher(new UserAgents(), countries);
            assertThat(enricher.traits(click("193.0.6.139", IPHONE, "https://www.Twitter.com/x")))
                    .isEqualTo(new ClickTraits("twitter.com", "NL", "Mobile Safari", "iOS", "mobile", false));
            assertThat(enricher.traits(click(null, null, null)))
                    .isEqualTo(new ClickTraits("direct", "unknown", "unknown", "unknown", "unknown", false));
        }
    }

    @Test
    void referrerHostsAreLowerCaseWithoutWwwAndUnknownWhenUnreadable() {
        assertThat(ClickEnricher.referrerHost("https://WWW.Example.COM./a?b")).isEqualTo("example.com");
        assertThat(ClickEnricher.referrerHost("android-app://com.google.android.gm/")).isEqualTo("com.google.android.gm");
        assertThat(ClickEnricher.referrerHost("https://www./")).isEqualTo("www");
        assertThat(ClickEnricher.referrerHost("  ")).isEqualTo("direct");
        assertThat(ClickEnricher.referrerHost("twitter")).isEqualTo("unknown");
        assertThat(ClickEnricher.referrerHost("http://[bad")).isEqualTo("unknown");
    }

    @Test
    void labelsDropControlCharactersAndAreCutToAMaximumLength() {
        ClickTraits traits = new ClickTraits("a\u0000b\nc", "", "x".repeat(500), "os", "device", false);
        assertThat(traits.referrerHost()).isEqualTo("abc");
        assertThat(traits.country()).isEqualTo("unknown");
        assertThat(traits.browser()).hasSize(ClickTraits.MAX_LABEL_CHARS);
    }
}
