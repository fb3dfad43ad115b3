package io.linktally.http;

import io.linktally.urls.CanonicalUrl;

/** Turns a URL a caller asked about into the key counts are kept under, or a 400. */
final class RequestUrls {
    private RequestUrls() {
    }

    static String canonical(String url, String where) {
        if (url == null || url.isBlank()) {
            throw ApiException.badRequest("missing_url", where + " is required");
        }
        try {
            return CanonicalUrl.canonicalize(url);
        } catch (CanonicalUrl.InvalidUrlException e) {
            throw ApiException.badRequest("invalid_url", where + ": " + e.getMessage());
        }
    }
}
