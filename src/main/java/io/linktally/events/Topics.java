package io.linktally.events;

import java.util.List;

/** The topics of the contract (SPEC "Topics"): defined once, shared by main code and tests. */
public final class Topics {
    public static final String LINKS_CREATED = "links.created";
    public static final String LINKS_CLICKED = "links.clicked";
    public static final String DEAD_LETTER = "links.dead-letter";

    public static final List<String> ALL = List.of(LINKS_CREATED, LINKS_CLICKED, DEAD_LETTER);

    private Topics() {
    }
}
