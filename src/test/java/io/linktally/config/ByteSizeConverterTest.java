package io.linktally.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ByteSizeConverterTest {

    @ParameterizedTest(name = "''{0}'' = {1}")
    @CsvSource(delimiter = '|', ignoreLeadingAndTrailingWhitespace = false, value = {
        "512|512",
        "0|0",
        "10b|10",
        "10B|10",
        "64KiB|65536",
        "64k|65536",
        "64kb|65536",
        "64K|65536",
        "256MiB|268435456",
        "256m|268435456",
        "256 MiB|268435456",
        "1GiB|1073741824",
        "1g|1073741824",
        "8GiB|8589934592",
        " 64KiB |65536",
    })
    void parsesBytesAndBinaryUnits(String text, long expected) {
        assertThat(ByteSizeConverter.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "KiB", "-1", "1.5g", "64 kilobytes", "1t", "1TiB", "64bb", "lots"})
    void rejectsAnythingElseWithAConversionError(String text) {
        assertThatThrownBy(() -> ByteSizeConverter.parse(text))
                .isExactlyInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'" + text + "' is not a size (e.g. 512, 64KiB, 256MiB, 1GiB)");
    }

    /** Shifting by the unit must not wrap around: today these parse to -1024, 0 and -1073741824. */
    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"9223372036854775807k", "17179869184g", "9223372036854775807GiB"})
    void rejectsSizesThatDoNotFitInALong(String text) {
        assertThatThrownBy(() -> ByteSizeConverter.parse(text))
                .isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void convertIsParse() {
        assertThat(new ByteSizeConverter().convert("64KiB")).isEqualTo(65536L);
    }
}
