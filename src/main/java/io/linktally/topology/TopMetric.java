package io.linktally.topology;

/** What top links rank by: shares, people's clicks, everyone's clicks, or bots' clicks. */
public enum TopMetric {
    SHARES((byte) 's'), CLICKS((byte) 'c'), ALL_CLICKS((byte) 'a'), BOT_CLICKS((byte) 'b');

    final byte tag;

    TopMetric(byte tag) {
        this.tag = tag;
    }

    public long of(LinkCounts counts) {
        return switch (this) {
            case SHARES -> counts.shares();
            case CLICKS -> counts.clicks();
            case ALL_CLICKS -> counts.clicks() + counts.botClicks();
            case BOT_CLICKS -> counts.botClicks();
        };
    }
}
