package io.linktally.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Against the GeoLite2 files of November 2019 from org.elasticsearch:geolite2-databases. */
class CountriesTest {
    @TempDir
    static Path dir;
    private static Countries byCountry;
    private static Countries byCity;

    @BeforeAll
    static void openBoth() throws IOException {
        byCountry = Countries.open(extract("GeoLite2-Country.mmdb"));
        byCity = Countries.open(extract("GeoLite2-City.mmdb"));
    }

    @AfterAll
    static void closeBoth() {
        byCountry.close();
        byCity.close();
    }

    private static Path extract(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = CountriesTest.class.getResourceAsStream("/" + name)) {
            assertThat(in).as(name + " on the test classpath").isNotNull();
            Files.copy(in, file);
        }
        return file;
    }

    // long-held blocks whose country has not moved: Google, RIPE NCC, the University of Tokyo, WIDE
    @ParameterizedTest
    @CsvSource({
        "8.8.8.8, US",
        "193.0.6.139, NL",
        "133.11.0.1, JP",
        "2001:4860:4860::8888, US",
        "2001:67c:2e8:22::c100:68b, NL",
        "2001:200::1, JP",
        "' 8.8.8.8 ', US",
    })
    void countryAndCityDatabasesAgree(String ip, String country) {
        assertThat(byCountry.country(ip)).isEqualTo(country);
        assertThat(byCity.country(ip)).isEqualTo(country);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "  ", "203.0.113.7", "2001:db8::1", "10.0.0.1", "192.168.1.1", "127.0.0.1", "::1", "fe80::1",
        "not-an-ip", "example.com", "g:h", "dns.google:53", "256.1.1.1", "8.8.8", "8.8.8.8.8",
    })
    void anythingElseIsUnknown(String ip) {
        assertThat(byCountry.country(ip)).isEqualTo(Countries.UNKNOWN);
        assertThat(byCity.country(ip)).isEqualTo(Countries.UNKNOWN);
    }

    @Test
    void withoutADatabaseEverythingIsUnknown() {
        try (Countries none = Countries.none()) {
            assertThat(none.country("8.8.8.8")).isEqualTo("unknown");
            assertThat(none.country(null)).isEqualTo("unknown");
        }
    }

    @Test
    void aMissingFileIsRefusedByName() {
        Path missing = dir.resolve("nowhere.mmdb");
        assertThatThrownBy(() -> Countries.open(missing))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(missing.toString())
            .hasMessageNotContaining("\n");
    }

    @Test
    void aFileThatIsNoDatabaseIsRefusedByName() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.mmdb"), "this is not a MaxMind database\n".repeat(100));
        assertThatThrownBy(() -> Countries.open(junk))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(junk.toString())
            .hasMessageNotContaining("\n");
    }

    @Test
    void aDatabaseWithoutCountriesIsRefusedByName() throws IOException {
        Path asn = extract("GeoLite2-ASN.mmdb");
        assertThatThrownBy(() -> Countries.open(asn))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(asn.toString())
            .hasMessageContaining("GeoLite2-ASN");
    }
}
