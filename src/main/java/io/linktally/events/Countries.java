package io.linktally.events;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.CityResponse;
import com.maxmind.geoip2.model.CountryResponse;
import com.maxmind.geoip2.record.Country;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The country a click came from, when the operator supplies a MaxMind-format database
 * (GeoLite2 or DB-IP Lite, Country or City): the databases are licensed separately and change
 * monthly, so none ships in the jar and the lookup is optional. Country is the only answer taken,
 * so a City file serves as well as a Country one.
 *
 * <p>Click addresses come from clients and headers, so a lookup never throws and never resolves
 * a name: only IP literals are parsed, and a DNS query per click would stall the stream threads
 * that share this instance (the reader and its cache are thread-safe).
 */
public final class Countries implements AutoCloseable {
    public static final String UNKNOWN = "unknown";
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private final DatabaseReader reader;
    private final boolean city;

    private Countries(DatabaseReader reader, boolean city) {
        this.reader = reader;
        this.city = city;
    }

    public static Countries none() {
        return new Countries(null, false);
    }

    public static Countries open(Path mmdb) {
        DatabaseReader reader;
        try {
            reader = new DatabaseReader.Builder(mmdb.toFile()).withCache(new CHMCache()).build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read GeoIP database " + mmdb + ": " + oneLine(e), e);
        }
        String type = reader.metadata().databaseType();
        if (type.contains("City") || type.contains("Country")) {
            return new Countries(reader, type.contains("City"));
        }
        try {
            reader.close();
        } catch (IOException ignored) {
            // the complaint that matters is the wrong database type
        }
        throw new IllegalArgumentException("GeoIP database " + mmdb + " is a " + type + " database, not a Country or City one");
    }

    public String country(String ip) {
        if (reader == null || ip == null || ip.isBlank()) {
            return UNKNOWN;
        }
        try {
            InetAddress address = literal(ip.strip());
            if (address == null || address.isSiteLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                    || address.isAnyLocalAddress() || address.isMulticastAddress()) {
                return UNKNOWN;
            }
            Optional<Country> found = city
                ? reader.tryCity(address).map(CityResponse::country)
                : reader.tryCountry(address).map(CountryResponse::country);
            String iso = found.map(Country::isoCode).orElse(null);
            return iso == null || iso.isBlank() ? UNKNOWN : iso;
        } catch (Exception e) {
            return UNKNOWN;
        }
    }

    private static InetAddress literal(String ip) throws IOException {
        if (ip.indexOf(':') >= 0) {
            // inside brackets the JDK accepts an IPv6 literal or fails; it never falls back to DNS
            return InetAddress.getByName("[" + ip + "]");
        }
        Matcher quad = IPV4.matcher(ip);
        if (!quad.matches()) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(quad.group(i + 1));
            if (octet > 255) {
                return null;
            }
            bytes[i] = (byte) octet;
        }
        return InetAddress.getByAddress(bytes);
    }

    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
