package io.linktally.config;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine;

/** An ISO-8601 instant ({@code 2026-11-23T10:00:00Z}) or a UTC day ({@code 2026-11-23}, its start). */
public final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        String text = value.trim();
        try {
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a time: use an ISO-8601 instant (2026-11-23T10:00:00Z) or a day (2026-11-23)");
        }
    }
}
