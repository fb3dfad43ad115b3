package io.linktally.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class UserAgentsTest {
    private static final UserAgents AGENTS = new UserAgents();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 | Chrome | Windows | desktop | false",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15 | Safari | Mac OS X | desktop | false",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1 | Mobile Safari | iOS | mobile | false",
        "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1 | Mobile Safari | iOS | tablet | false",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0 | Firefox | Linux | desktop | false",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) | Googlebot | unknown | bot | true",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) | bingbot | unknown | bot | true",
        "Twitterbot/1.0 | Twitterbot | unknown | bot | true",
        "@@ garbage %% | unknown | unknown | unknown | false",
    })
    void knownAgentsGiveKnownBrowsersSystemsAndDevices(String agent, String browser, String os, String device, boolean bot) {
        assertThat(AGENTS.classify(agent)).isEqualTo(new UserAgents.Agent(browser, os, device, bot));
        assertThat(AGENTS.classify(agent)).as("from the cache, the same").isEqualTo(new UserAgents.Agent(browser, os, device, bot));
    }

    @Test
    void noAgentIsUnknownAndNoBot() {
        assertThat(AGENTS.classify(null)).isEqualTo(UserAgents.Agent.NONE);
        assertThat(AGENTS.classify("  ")).isEqualTo(UserAgents.Agent.NONE);
        assertThat(UserAgents.Agent.NONE).isEqualTo(new UserAgents.Agent("unknown", "unknown", "unknown", false));
    }
}
