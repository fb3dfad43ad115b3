package io.linktally.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class UrlWindowsTest {
    @Test
    void noEntryIsEveryWindowAtZero() {
        UrlWindows none = UrlWindows.decode(null);
        for (TopWindow window : TopWindow.values()) {
            assertThat(none.current(window)).isEqualTo(LinkCounts.ZERO);
            assertThat(none.indexed(window)).isEqualTo(LinkCounts.ZERO);
        }
        assertThat(none.isEmpty()).isTrue();
    }

    @Test
    void eachWindowKeepsItsOwnCurrentAndIndexedCountsThroughEncoding() {
        UrlWindows windows = new UrlWindows();
        windows.add(TopWindow.HOUR, new LinkCounts(1, 2, 3));
        windows.add(TopWindow.DAY, new LinkCounts(40, 50, 60));
        windows.add(TopWindow.DAY, new LinkCounts(1, 0, 0));
        windows.add(TopWindow.WEEK, new LinkCounts(Long.MAX_VALUE, 0, 7));
        windows.setIndexed(TopWindow.DAY, new LinkCounts(9, 8, 7));

        UrlWindows read = UrlWindows.decode(windows.encode());

        assertThat(read.current(TopWindow.HOUR)).isEqualTo(new LinkCounts(1, 2, 3));
        assertThat(read.current(TopWindow.DAY)).isEqualTo(new LinkCounts(41, 50, 60));
        assertThat(read.current(TopWindow.WEEK)).isEqualTo(new LinkCounts(Long.MAX_VALUE, 0, 7));
        assertThat(read.indexed(TopWindow.HOUR)).isEqualTo(LinkCounts.ZERO);
        assertThat(read.indexed(TopWindow.DAY)).isEqualTo(new LinkCounts(9, 8, 7));
        assertThat(read.indexed(TopWindow.WEEK)).isEqualTo(LinkCounts.ZERO);
    }

    @Test
    void smallCountsTakeAByteEach() {
        UrlWindows windows = new UrlWindows();
        windows.add(TopWindow.HOUR, new LinkCounts(5, 0, 0));
        assertThat(windows.encode()).hasSize(18);
    }

    @Test
    void indexingAllMakesIndexedEqualCurrentAndSubtractingEverythingEmptiesIt() {
        UrlWindows windows = new UrlWindows();
        windows.add(TopWindow.WEEK, new LinkCounts(3, 1, 0));
        windows.indexAll();
        assertThat(windows.indexed(TopWindow.WEEK)).isEqualTo(new LinkCounts(3, 1, 0));
        assertThat(windows.isEmpty()).isFalse();

        windows.add(TopWindow.WEEK, new LinkCounts(-3, -1, 0));
        windows.indexAll();
        assertThat(windows.isEmpty()).isTrue();
    }

    @Test
    void aCutValueIsASerializationError() {
        UrlWindows windows = new UrlWindows();
        windows.add(TopWindow.DAY, new LinkCounts(1_000_000, 0, 0));
        byte[] cut = java.util.Arrays.copyOf(windows.encode(), 4);
        assertThatThrownBy(() -> UrlWindows.decode(cut)).isInstanceOf(SerializationException.class);
    }
}
