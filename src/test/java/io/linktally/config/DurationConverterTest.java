package io.linktally.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DurationConverterTest {

    @ParameterizedTest(name = "''{0}'' = {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
        "7d|PT168H",
        "12h|PT12H",
        "30m|PT30M",
        "45s|PT45S",
        "250ms|PT0.25S",
        "0s|PT0S",
        "PT1H|PT1H",
        "P2DT3H|PT51H",
        " 5s |PT5S",
        "10 s|PT10S",
    })
    void parsesShortFormsAndIso8601(String text, String expected) {
        assertThat(DurationConverter.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "  ", "5", "5x", "s", "-5s", "1.5h", "5 parsecs", "1h30m", "PT"})
    void rejectsAnythingElseWithAConversionError(String text) {
        assertThatThrownBy(() -> DurationConverter.parse(text))
                .isExactlyInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'" + text + "' is not a duration (e.g. 7d, 12h, 30s, 250ms, PT1H)");
    }

    @Test
    void convertIsParse() {
        assertThat(new DurationConverter().convert("7d")).isEqualTo(Duration.ofDays(7));
    }
}
