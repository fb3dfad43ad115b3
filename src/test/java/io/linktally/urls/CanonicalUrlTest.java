package io.linktally.urls;

import static io.linktally.urls.CanonicalUrl.canonicalize;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linktally.urls.CanonicalUrl.InvalidUrlException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalUrlTest {

    /**
     * Marks a table whose every column is a valid URL, so that {@link #canonicalFormIsAFixedPoint}
     * can check idempotence over all of them without the tables being written twice.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface ValidUrlColumns {
    }

    // ------------------------------------------------------------------ equivalent spellings meet

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "HTTP://WWW.Example.COM:80/a/../b/%7euser?utm_source=x&q=1#frag | http://example.com/b/~user?q=1",
        "http://example.com                                              | http://example.com/",
        "HTTP://EXAMPLE.COM/                                             | http://example.com/",
        "hTtPs://Example.Com                                             | https://example.com/",
        "http://example.com:80/                                          | http://example.com/",
        "https://example.com:443                                         | https://example.com/",
        "http://example.com./                                            | http://example.com/",
        "http://user:pass@example.com/                                   | http://example.com/",
        "http://www.example.com/#top                                     | http://example.com/",
        "http://example.com/%7Euser                                      | http://example.com/~user",
        "http://example.com/a?b=1#c                                      | http://example.com/a?b=1",
        "http://example.com/a/./b/../c                                   | http://example.com/a/c",
        "http://example.com/?                                            | http://example.com/",
        "http://example.com/caf%c3%a9                                    | http://example.com/caf%C3%A9",
        "http://example.com/café                                         | http://example.com/caf%C3%A9",
        "'   http://example.com/padded   '                               | http://example.com/padded",
        "https://WWW.EXAMPLE.COM.:443/x/%2e%2e/y?gclid=1&fbclid=2        | https://example.com/y",
    })
    void equivalentSpellingsMeet(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @Test
    void leadingAndTrailingAsciiWhitespaceIsTrimmed() {
        assertThat(canonicalize(" \t\r\n\fhttp://example.com/a \n\t")).isEqualTo("http://example.com/a");
    }

    // ------------------------------------------------------------------ different URLs stay apart

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} != {2}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com/A          | http://example.com/A          | http://example.com/a          | http://example.com/a",
        "http://example.com/           | http://example.com/           | https://example.com/          | https://example.com/",
        "http://example.com/?a=1&b=2   | http://example.com/?a=1&b=2   | http://example.com/?b=2&a=1   | http://example.com/?b=2&a=1",
        "http://m.example.com/         | http://m.example.com/         | http://example.com/           | http://example.com/",
        "http://example.com/a/         | http://example.com/a/         | http://example.com/a          | http://example.com/a",
        "http://example.com:8080/      | http://example.com:8080/      | http://example.com/           | http://example.com/",
        "https://example.com:80/       | https://example.com:80/       | https://example.com/          | https://example.com/",
        "http://example.com/?q=a+b     | http://example.com/?q=a+b     | http://example.com/?q=a%20b   | http://example.com/?q=a%20b",
        "http://example.com/?q=A       | http://example.com/?q=A       | http://example.com/?q=a       | http://example.com/?q=a",
        "http://example.com/a%2fb      | http://example.com/a%2Fb      | http://example.com/a/b        | http://example.com/a/b",
        "http://www2.example.com/      | http://www2.example.com/      | http://example.com/           | http://example.com/",
        "http://example.com/?a         | http://example.com/?a         | http://example.com/?a=        | http://example.com/?a=",
        "http://example.com/?a=1       | http://example.com/?a=1       | http://example.com/a=1        | http://example.com/a=1",
        "http://example.com/a//b       | http://example.com/a//b       | http://example.com/a/b        | http://example.com/a/b",
        "http://example.com/?UTM_x=1   | http://example.com/?UTM_x=1   | http://example.com/           | http://example.com/",
        "http://example.org/           | http://example.org/           | http://example.com/           | http://example.com/",
    })
    void differentUrlsStayApart(String first, String firstExpected, String second, String secondExpected) {
        assertThat(canonicalize(first)).isEqualTo(firstExpected);
        assertThat(canonicalize(second)).isEqualTo(secondExpected);
        assertThat(firstExpected).isNotEqualTo(secondExpected);
    }

    // ------------------------------------------------------------------ hosts

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "https://bücher.de/                       | https://xn--bcher-kva.de/",
        "https://BÜCHER.de/                       | https://xn--bcher-kva.de/",
        "https://b%C3%BCcher.de/                  | https://xn--bcher-kva.de/",
        "https://b%c3%bccher.de/                  | https://xn--bcher-kva.de/",
        "https://XN--BCHER-KVA.de/                | https://xn--bcher-kva.de/",
        "https://www.bücher.de./                  | https://xn--bcher-kva.de/",
        "https://www.例え.jp                      | https://xn--r8jz45g.jp/",
        "https://例え。jp/                        | https://xn--r8jz45g.jp/",
        "https://ｅｘａｍｐｌｅ．ｃｏｍ/          | https://example.com/",
        "http://münchen.de:8080/straße?ä=ö        | http://xn--mnchen-3ya.de:8080/stra%C3%9Fe?%C3%A4=%C3%B6",
        "http://%65xample.com/                    | http://example.com/",
        "http://EXAMPLE.com%2E/                   | http://example.com/",
        "http://-weird-.example.com/              | http://-weird-.example.com/",
        "http://localhost/                        | http://localhost/",
        "http://LOCALHOST:3000/x                  | http://localhost:3000/x",
    })
    void hostsAreLowerCasedAndPunycoded(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://www.example.com/          | http://example.com/",
        "http://WWW.EXAMPLE.COM/          | http://example.com/",
        "http://Www.example.com/          | http://example.com/",
        "http://www.example.com:8080/x    | http://example.com:8080/x",
        "http://www.www.example.com/      | http://example.com/",
        "http://www2.example.com/         | http://www2.example.com/",
        "http://wwwexample.com/           | http://wwwexample.com/",
        "http://www-example.com/          | http://www-example.com/",
        "http://ww.example.com/           | http://ww.example.com/",
        "http://m.example.com/            | http://m.example.com/",
        "http://sub.www.example.com/      | http://sub.www.example.com/",
        "http://www/                      | http://www/",
        "http://www./                     | http://www/",
        "http://WWW/                      | http://www/",
        "http://www.com/                  | http://com/",
        "http://www.www/                  | http://www/",
    })
    void leadingWwwLabelIsDropped(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://user:pass@example.com/                    | http://example.com/",
        "http://user@example.com                          | http://example.com/",
        "http://@example.com/                             | http://example.com/",
        "http://:@example.com/                            | http://example.com/",
        "http://a@b@example.com/x                         | http://example.com/x",
        "http://u:p@example.com:8080/                     | http://example.com:8080/",
        "https://user:p%40ss@www.example.com:443/x        | https://example.com/x",
        "http://us%20er:pa:ss@example.com/                | http://example.com/",
        "http://user@[::1]:8080/a                         | http://[::1]:8080/a",
    })
    void userinfoIsDropped(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com./             | http://example.com/",
        "http://EXAMPLE.COM.:8080/        | http://example.com:8080/",
        "http://example.com.?q=1          | http://example.com/?q=1",
        "http://localhost./               | http://localhost/",
        "http://192.168.0.1./             | http://192.168.0.1/",
    })
    void trailingDotOfHostIsRemoved(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://192.168.0.1/                          | http://192.168.0.1/",
        "http://192.168.0.1:80/x                      | http://192.168.0.1/x",
        "http://127.0.0.1:8080/                       | http://127.0.0.1:8080/",
        "http://0.0.0.0/                              | http://0.0.0.0/",
        "http://255.255.255.255/                      | http://255.255.255.255/",
        "http://[::1]/                                | http://[::1]/",
        "http://[::1]                                 | http://[::1]/",
        "http://[::]/                                 | http://[::]/",
        "http://[2001:DB8::1]/                        | http://[2001:db8::1]/",
        "http://[2001:db8:0:0:0:0:0:1]:8080/          | http://[2001:db8:0:0:0:0:0:1]:8080/",
        "http://[::ffff:192.0.2.1]/                   | http://[::ffff:192.0.2.1]/",
        "http://[FE80::1]:80/                         | http://[fe80::1]/",
        "https://[::1]:443/                           | https://[::1]/",
        "https://[::1]:8443/                          | https://[::1]:8443/",
        "http://[1:2:3:4:5:6:7:8]/                    | http://[1:2:3:4:5:6:7:8]/",
        "http://[1:2:3:4:5:6:7::]/                    | http://[1:2:3:4:5:6:7::]/",
        "http://[::2:3:4:5:6:7:8]/                    | http://[::2:3:4:5:6:7:8]/",
        "http://[1:2:3:4:5:6:1.2.3.4]/                | http://[1:2:3:4:5:6:1.2.3.4]/",
        "http://[::1]:/x                              | http://[::1]/x",
    })
    void ipAddressHosts(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ ports

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com:80/                  | http://example.com/",
        "https://example.com:443/                | https://example.com/",
        "http://example.com:443/                 | http://example.com:443/",
        "https://example.com:80/                 | https://example.com:80/",
        "http://example.com:8080/                | http://example.com:8080/",
        "https://example.com:0443/               | https://example.com/",
        "http://example.com:00080/x              | http://example.com/x",
        "http://example.com:000000000080/        | http://example.com/",
        "http://example.com:08080/               | http://example.com:8080/",
        "http://example.com:/x                   | http://example.com/x",
        "http://example.com:                     | http://example.com/",
        "http://example.com:?q=1                 | http://example.com/?q=1",
        "http://example.com:1/                   | http://example.com:1/",
        "http://example.com:65535/               | http://example.com:65535/",
        "http://example.com:0/                   | http://example.com:0/",
        "http://example.com:000/                 | http://example.com:0/",
    })
    void portsAreDroppedWhenDefaultAndNormalisedOtherwise(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ percent-encoding

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com/%7euser            | http://example.com/~user",
        "http://example.com/%41%42%43          | http://example.com/ABC",
        "http://example.com/%61%7a%30%39       | http://example.com/az09",
        "http://example.com/%2d%2E%5f%7E       | http://example.com/-._~",
        "http://example.com/%3a                | http://example.com/%3A",
        "http://example.com/a%2fb%3fc          | http://example.com/a%2Fb%3Fc",
        "http://example.com/%c3%a9             | http://example.com/%C3%A9",
        "http://example.com/%25                | http://example.com/%25",
        "http://example.com/%2525              | http://example.com/%2525",
        "http://example.com/100%               | http://example.com/100%25",
        "http://example.com/%                  | http://example.com/%25",
        "http://example.com/%zz                | http://example.com/%25zz",
        "http://example.com/%4                 | http://example.com/%254",
        "http://example.com/%4g                | http://example.com/%254g",
        "http://example.com/%%41               | http://example.com/%25A",
        "http://example.com/café               | http://example.com/caf%C3%A9",
        "http://example.com/日本               | http://example.com/%E6%97%A5%E6%9C%AC",
        "http://example.com/😀                 | http://example.com/%F0%9F%98%80",
        "http://example.com/a\"b<c>d            | http://example.com/a%22b%3Cc%3Ed",
        "http://example.com/a\\b^c`d           | http://example.com/a%5Cb%5Ec%60d",
        "http://example.com/{x}                | http://example.com/%7Bx%7D",
        "http://example.com/[x]                | http://example.com/%5Bx%5D",
        "http://example.com/a:b@c!$&()*+,;=    | http://example.com/a:b@c!$&()*+,;=",
        "http://example.com/?q=%7e             | http://example.com/?q=~",
        "http://example.com/?q=%e2%82%ac       | http://example.com/?q=%E2%82%AC",
        "http://example.com/?q=€               | http://example.com/?q=%E2%82%AC",
        "http://example.com/?q=50%             | http://example.com/?q=50%25",
        "http://example.com/?a=b/c?d           | http://example.com/?a=b/c?d",
        "http://example.com/?q=[1]             | http://example.com/?q=%5B1%5D",
        "http://example.com/?q=a+b%20c         | http://example.com/?q=a+b%20c",
        "http://example.com/?%41=%42           | http://example.com/?A=B",
    })
    void percentEncodingIsNormalised(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiterString = " => ", value = {
        "http://example.com/a|b => http://example.com/a%7Cb",
        "http://example.com/?q=a|b => http://example.com/?q=a%7Cb",
        "http://example.com/a'b => http://example.com/a'b",
    })
    void charactersThatClashWithTheTableSyntaxAreEncodedOrKept(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @Test
    void everyNonUnreservedAsciiEscapeIsUpperCasedAndEveryUnreservedOneDecoded() {
        for (int b = 0; b < 0x80; b++) {
            char c = (char) b;
            String escape = String.format("%%%02x", b);
            boolean unreserved = Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0;
            String expected = unreserved ? String.valueOf(c) : escape.toUpperCase(java.util.Locale.ROOT);
            // letters around the escape keep "%2e" from forming a dot segment
            assertThat(canonicalize("http://example.com/x" + escape + "y"))
                    .as("escape %s", escape)
                    .isEqualTo("http://example.com/x" + expected + "y");
        }
    }

    // ------------------------------------------------------------------ dot segments

    /** RFC 3986 section 5.4 examples against base "http://a/b/c/d;p?q", written as the merged paths. */
    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://a.com/b/c/g                 | http://a.com/b/c/g",
        "http://a.com/b/c/./g               | http://a.com/b/c/g",
        "http://a.com/b/c/g/                | http://a.com/b/c/g/",
        "http://a.com/g                     | http://a.com/g",
        "http://a.com/b/c/.                 | http://a.com/b/c/",
        "http://a.com/b/c/./                | http://a.com/b/c/",
        "http://a.com/b/c/..                | http://a.com/b/",
        "http://a.com/b/c/../               | http://a.com/b/",
        "http://a.com/b/c/../g              | http://a.com/b/g",
        "http://a.com/b/c/../..             | http://a.com/",
        "http://a.com/b/c/../../            | http://a.com/",
        "http://a.com/b/c/../../g           | http://a.com/g",
        "http://a.com/b/c/../../../g        | http://a.com/g",
        "http://a.com/b/c/../../../../g     | http://a.com/g",
        "http://a.com/./g                   | http://a.com/g",
        "http://a.com/../g                  | http://a.com/g",
        "http://a.com/b/c/g.                | http://a.com/b/c/g.",
        "http://a.com/b/c/.g                | http://a.com/b/c/.g",
        "http://a.com/b/c/g..               | http://a.com/b/c/g..",
        "http://a.com/b/c/..g               | http://a.com/b/c/..g",
        "http://a.com/b/c/./../g            | http://a.com/b/g",
        "http://a.com/b/c/./g/.             | http://a.com/b/c/g/",
        "http://a.com/b/c/g/./h             | http://a.com/b/c/g/h",
        "http://a.com/b/c/g/../h            | http://a.com/b/c/h",
        "http://a.com/b/c/g;x=1/./y         | http://a.com/b/c/g;x=1/y",
        "http://a.com/b/c/g;x=1/../y        | http://a.com/b/c/y",
        "http://a.com/a/b/c/./../../g       | http://a.com/a/g",
        "http://a.com/mid/content=5/../6    | http://a.com/mid/6",
        "http://a.com/a/./b/../c            | http://a.com/a/c",
        "http://a.com/../a                  | http://a.com/a",
        "http://a.com/..                    | http://a.com/",
        "http://a.com/.                     | http://a.com/",
        "http://a.com/a/%2e%2e/b            | http://a.com/b",
        "http://a.com/a/%2E/b               | http://a.com/a/b",
        "http://a.com/a/.%2e/b              | http://a.com/b",
        "http://a.com/a/..%2Fb              | http://a.com/a/..%2Fb",
        "http://a.com//a/../b               | http://a.com//b",
        "http://a.com/a?b=../c              | http://a.com/a?b=../c",
        "http://a.com/a/..?q=1              | http://a.com/?q=1",
    })
    void dotSegmentsAreRemoved(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ empty path and fragment

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com                  | http://example.com/",
        "http://example.com?q=1              | http://example.com/?q=1",
        "http://example.com#f                | http://example.com/",
        "http://example.com:8080             | http://example.com:8080/",
        "http://example.com?                 | http://example.com/",
        "https://[::1]:8443                  | https://[::1]:8443/",
    })
    void emptyPathBecomesSlash(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com/a#b                   | http://example.com/a",
        "http://example.com/a#                    | http://example.com/a",
        "http://example.com/a?q=1#b?c=2           | http://example.com/a?q=1",
        "http://example.com/a#b#c                 | http://example.com/a",
        "http://example.com/#/route/x?y=1         | http://example.com/",
        "http://example.com/a?#                   | http://example.com/a",
        "http://example.com/a#utm_source=x        | http://example.com/a",
        "http://example.com/a#%zz                 | http://example.com/a",
    })
    void fragmentIsDropped(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ query

    @ValidUrlColumns
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "http://example.com/?utm_source=a&utm_medium=b&utm_campaign=c  | http://example.com/",
        "http://example.com/?utm_source=a&id=7                         | http://example.com/?id=7",
        "http://example.com/?id=7&utm_content=x&page=2                 | http://example.com/?id=7&page=2",
        "http://example.com/?fbclid=abc                                | http://example.com/",
        "http://example.com/?gclid=abc&x=1                             | http://example.com/?x=1",
        "http://example.com/?x=1&gclid=abc                             | http://example.com/?x=1",
        "http://example.com/?utm_=1                                    | http://example.com/",
        "http://example.com/?utm_source                                | http://example.com/",
        "http://example.com/?utm_source=                               | http://example.com/",
        "http://example.com/?utm_source=x=y&q                          | http://example.com/?q",
        "http://example.com/?%75tm_source=1&q=2                        | http://example.com/?q=2",
        "http://example.com/?utm%5Fsource=1&q=2                        | http://example.com/?q=2",
        "http://example.com/?fb%63lid=1&q=2                            | http://example.com/?q=2",
        "http://example.com/?utm=1                                     | http://example.com/?utm=1",
        "http://example.com/?xutm_a=1                                  | http://example.com/?xutm_a=1",
        "http://example.com/?gclid2=1                                  | http://example.com/?gclid2=1",
        "http://example.com/?fbclid_x=1                                | http://example.com/?fbclid_x=1",
        "http://example.com/?xfbclid=1                                 | http://example.com/?xfbclid=1",
        "http://example.com/?FBCLID=1                                  | http://example.com/?FBCLID=1",
        "http://example.com/?UTM_SOURCE=1                              | http://example.com/?UTM_SOURCE=1",
        "http://example.com/?utm%2Dsource=1                            | http://example.com/?utm-source=1",
        "http://example.com/?q=utm_source                              | http://example.com/?q=utm_source",
        "http://example.com/?q=1&gclid                                 | http://example.com/?q=1",
        "http://example.com/?a=1;utm_source=x                          | http://example.com/?a=1;utm_source=x",
        "http://example.com/?a=1&&b=2                                  | http://example.com/?a=1&b=2",
        "http://example.com/?&a=1&                                     | http://example.com/?a=1",
        "http://example.com/?&                                         | http://example.com/",
        "http://example.com/?&&utm_source=x&&                          | http://example.com/",
        "http://example.com/?b=2&a=1                                   | http://example.com/?b=2&a=1",
        "http://example.com/?a=1&a=1                                   | http://example.com/?a=1&a=1",
        "http://example.com/?a=2&utm_term=z&a=1                        | http://example.com/?a=2&a=1",
        "http://example.com/?=                                         | http://example.com/?=",
        "http://example.com/?q=1#utm_source                            | http://example.com/?q=1",
        "http://example.com/?q=a%26utm_source%3Dx                      | http://example.com/?q=a%26utm_source%3Dx",
    })
    void queryKeepsOrderAndDropsTrackingAndEmptyParameters(String input, String expected) {
        assertThat(canonicalize(input)).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ length limit

    @Test
    void urlOfExactlyMaxLengthBytesIsAccepted() {
        String url = urlOfBytes(CanonicalUrl.MAX_LENGTH);
        assertThat(url.getBytes(StandardCharsets.UTF_8)).hasSize(8192);
        assertThat(canonicalize(url)).isEqualTo(url);
    }

    @Test
    void urlOfOneByteMoreThanMaxLengthIsRejected() {
        String url = urlOfBytes(CanonicalUrl.MAX_LENGTH + 1);
        assertThat(url.getBytes(StandardCharsets.UTF_8)).hasSize(8193);
        assertThatThrownBy(() -> canonicalize(url))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url is longer than 8192 bytes");
    }

    @Test
    void lengthIsCountedInUtf8BytesNotCharacters() {
        String prefix = "http://example.com/";
        int twoByteChars = (CanonicalUrl.MAX_LENGTH - prefix.length()) / 2 + 1;
        String url = prefix + "é".repeat(twoByteChars);
        assertThat(url.length()).isLessThan(CanonicalUrl.MAX_LENGTH);
        assertThatThrownBy(() -> canonicalize(url))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url is longer than 8192 bytes");
    }

    @Test
    void surroundingWhitespaceDoesNotCountTowardsTheLimit() {
        String url = urlOfBytes(CanonicalUrl.MAX_LENGTH);
        assertThat(canonicalize("  \t" + url + "\n  ")).isEqualTo(url);
    }

    @Test
    void hugeInputIsRejectedByLength() {
        String url = "http://example.com/" + "a".repeat(5_000_000);
        assertThatThrownBy(() -> canonicalize(url))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url is longer than 8192 bytes");
    }

    private static String urlOfBytes(int bytes) {
        String prefix = "https://example.com/";
        return prefix + "a".repeat(bytes - prefix.length());
    }

    // ------------------------------------------------------------------ invalid inputs

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "\t\r\n\f "})
    void emptyInputIsRejected(String input) {
        assertThatThrownBy(() -> canonicalize(input))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url is empty");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "ftp://x.com                    | url must be absolute http or https",
        "mailto:a@example.com           | url must be absolute http or https",
        "javascript:alert(1)            | url must be absolute http or https",
        "file:///etc/passwd             | url must be absolute http or https",
        "httpx://example.com            | url must be absolute http or https",
        "htt://example.com              | url must be absolute http or https",
        "example.com                    | url must be absolute http or https",
        "example.com:80/x               | url must be absolute http or https",
        "localhost:8080                 | url must be absolute http or https",
        "//example.com                  | url must be absolute http or https",
        "//example.com/http://x.com     | url must be absolute http or https",
        "/path                          | url must be absolute http or https",
        "?q=http://x.com                | url must be absolute http or https",
        "#http://x.com                  | url must be absolute http or https",
        "http:/x                        | url must be absolute http or https",
        "http:x                         | url must be absolute http or https",
        "http:                          | url must be absolute http or https",
        "http:\\\\example.com            | url must be absolute http or https",
        ":http://example.com            | url must be absolute http or https",
        "1http://example.com            | url must be absolute http or https",
        "http://                        | url has no host",
        "https://                       | url has no host",
        "http:///path                   | url has no host",
        "http://:80/                    | url has no host",
        "http://user@/                  | url has no host",
        "http://user:pass@:8080/        | url has no host",
        "http://?q=1                    | url has no host",
        "http://#frag                   | url has no host",
        "'http://exa mple.com'          | url contains whitespace or control characters",
        "'http://example.com/a b'       | url contains whitespace or control characters",
        "'http://example.com/?q=a b'    | url contains whitespace or control characters",
        "'http://example.com:80 80/'    | url contains whitespace or control characters",
        "http://a.com:99999/            | url has an invalid port",
        "http://a.com:65536/            | url has an invalid port",
        "http://a.com:100000000000/     | url has an invalid port",
        "http://a.com:x/                | url has an invalid port",
        "http://a.com:8o/               | url has an invalid port",
        "http://a.com:-1/               | url has an invalid port",
        "http://a.com:+80/              | url has an invalid port",
        "http://a.com:0x50/             | url has an invalid port",
        "http://a.com:٨٠/               | url has an invalid port",
        "http://a.com:80:80/            | url has an invalid host",
        "http://a_b.com/                | url has an invalid host",
        "http://a.com../                | url has an invalid host",
        "http://.a.com/                 | url has an invalid host",
        "http://a..com/                 | url has an invalid host",
        "http://./                      | url has an invalid host",
        "http://exa<mple.com/           | url has an invalid host",
        "http://exa\"mple.com/           | url has an invalid host",
        "http://example.com\\x          | url has an invalid host",
        "http://exa%ZZmple.com/         | url has an invalid host",
        "http://exa%2mple.com/          | url has an invalid host",
        "http://ex%2Fample.com/         | url has an invalid host",
        "http://ex%20ample.com/         | url has an invalid host",
        "http://%C3/                    | url has an invalid host",
        "https://😀.com/                | url has an invalid host",
        "http://example.com／x/         | url has an invalid host",
        "http://256.1.1.1/              | url has an invalid host",
        "http://1.2.3.999/              | url has an invalid host",
        "http://www.1.2.3.256/          | url has an invalid host",
        "http://[::1/                   | url has an invalid host",
        "http://[::1]x/                 | url has an invalid host",
        "http://[::1]]/                 | url has an invalid host",
        "http://[]/                     | url has an invalid host",
        "http://[::g]/                  | url has an invalid host",
        "http://[12345::]/              | url has an invalid host",
        "http://[1:2:3:4:5:6:7:8:9]/    | url has an invalid host",
        "http://[1:2:3:4:5:6:7]/        | url has an invalid host",
        "http://[1:2:3:4:5:6:7:8::]/    | url has an invalid host",
        "http://[1::2::3]/              | url has an invalid host",
        "http://[:::]/                  | url has an invalid host",
        "http://[:1::]/                 | url has an invalid host",
        "http://[192.168.0.1]/          | url has an invalid host",
        "http://[::1.2.3.256]/          | url has an invalid host",
        "http://[::1.2.3.4:5]/          | url has an invalid host",
        "http://[fe80::1%25eth0]/       | url has an invalid host",
        "http://[v1.x]/                 | url has an invalid host",
        "http://x[::1]/                 | url has an invalid host",
        "http://[::1]:99999/            | url has an invalid port",
    })
    void invalidInputIsRejected(String input, String message) {
        assertThatThrownBy(() -> canonicalize(input))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://example.com/\0",
        "http://exa\0mple.com/",
        "http://example.com/a\tb",
        "http://example.com/a\nb",
        "http://example.com/a\rb",
        "http://example.com/\37",
        "http://example.com/\177",
        "http://example.com/?q=\b",
        "\0http://example.com/",
        "http://example.com/\0",
        "\13http://example.com/",
    })
    void controlCharactersAreRejected(String input) {
        assertThatThrownBy(() -> canonicalize(input))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url contains whitespace or control characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/\uD800", "http://example.com/\uDC00x", "http://example.com/?q=\uDBFF"})
    void unpairedSurrogatesAreRejected(String input) {
        assertThatThrownBy(() -> canonicalize(input))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url contains malformed unicode");
    }

    @Test
    void overlongHostLabelIsRejected() {
        String label = "a".repeat(64);
        assertThatThrownBy(() -> canonicalize("http://" + label + ".com/"))
                .isInstanceOf(InvalidUrlException.class)
                .hasMessage("url has an invalid host");
        assertThat(canonicalize("http://" + label.substring(1) + ".com/"))
                .isEqualTo("http://" + label.substring(1) + ".com/");
    }

    @Test
    void invalidUrlExceptionIsAnIllegalArgumentException() {
        assertThat(new InvalidUrlException("url is empty"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("url is empty");
    }

    // ------------------------------------------------------------------ idempotence

    @ParameterizedTest(name = "{0}")
    @MethodSource("validUrlsFromTables")
    void canonicalFormIsAFixedPoint(String url) {
        String once = canonicalize(url);
        assertThat(canonicalize(once)).isEqualTo(once);
    }

    @Test
    void tablesFeedTheIdempotenceCheck() {
        assertThat(validUrlsFromTables()).hasSizeGreaterThan(300);
    }

    /** Random splices of URL fragments reach corners the tables do not: only a clean result or a rejection is allowed. */
    @Test
    void randomSplicesEitherFailCleanlyOrCanonicalizeIdempotently() {
        String[] heads = {"http://", "https://", "HTTP://", "hTTps://", "http:", "ftp://", "//", ""};
        String[] pieces = {
            "www.", "WWW.", "www", "a", "B", "example", ".", "..", "/", "//", "%", "%2e", "%2E", "%7e", "%41",
            "%zz", "%C3%BC", "%c3", "ü", "例", "。", "?", "&", "=", "#", ":", "@", "[", "]", "::1", "80", "443",
            "0", "utm_", "%75tm_", "fbclid", "gclid", "+", "\"", "\\", "-", "_", "~", "|", "😀", ".com", "xn--",
        };
        Random random = new Random(20_240_601L);
        int valid = 0;
        for (int round = 0; round < 20_000; round++) {
            StringBuilder url = new StringBuilder(heads[random.nextInt(heads.length)]);
            if (random.nextBoolean()) {
                url.append("example.com");
            }
            int count = random.nextInt(12);
            for (int i = 0; i < count; i++) {
                url.append(pieces[random.nextInt(pieces.length)]);
            }
            String input = url.toString();
            String once;
            try {
                once = canonicalize(input);
            } catch (InvalidUrlException rejected) {
                continue;
            }
            valid++;
            assertThat(canonicalize(once)).as("canonical form of %s", input).isEqualTo(once);
            assertThat(once).as("canonical form of %s", input).startsWith("http").doesNotContain("#");
        }
        assertThat(valid).as("valid random inputs").isGreaterThan(2_000);
    }

    static List<String> validUrlsFromTables() {
        Set<String> urls = new LinkedHashSet<>();
        Method[] methods = CanonicalUrlTest.class.getDeclaredMethods();
        Arrays.sort(methods, Comparator.comparing(Method::getName));
        for (Method method : methods) {
            CsvSource table = method.getAnnotation(CsvSource.class);
            if (table == null || !method.isAnnotationPresent(ValidUrlColumns.class)) {
                continue;
            }
            String delimiter = table.delimiterString().isEmpty()
                    ? String.valueOf(table.delimiter())
                    : table.delimiterString();
            for (String row : table.value()) {
                splitRow(row, delimiter).forEach(urls::add);
            }
        }
        return new ArrayList<>(urls);
    }

    /** Enough of JUnit's CSV syntax for these tables: trimmed cells, optionally wrapped in single quotes. */
    private static Stream<String> splitRow(String row, String delimiter) {
        return Arrays.stream(row.split(java.util.regex.Pattern.quote(delimiter), -1))
                .map(String::trim)
                .map(cell -> cell.length() >= 2 && cell.startsWith("'") && cell.endsWith("'")
                        ? cell.substring(1, cell.length() - 1)
                        : cell);
    }
}
