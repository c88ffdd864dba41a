package io.jcmap.client;

import static io.jcmap.client.CmapAssertions.assertCmapError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CmapOptionsTest {
    @Test
    void defaultsBehaveLikeLibcmapButForHalfItsMessageSize() {
        CmapOptions options = CmapOptions.defaults();
        assertEquals(new Endpoint.LibqbService("cmap"), options.endpoint());
        assertEquals(Optional.empty(), options.requestTimeout());
        assertEquals(Duration.ofSeconds(5), options.connectTimeout());
        assertEquals(ServerUidPolicy.rootOrSelf(), options.serverUidPolicy());
        // libcmap asks for 1 MiB; half of it carries every CMAP message (decision 0037)
        assertEquals(524_288, options.maxMessageSize());
        assertEquals(1_048_576, CmapOptions.LIBCMAP_MAX_MESSAGE_SIZE);
        assertEquals(Optional.empty(), options.reconnect());
        assertEquals(options, CmapOptions.builder().build());
    }

    @Test
    void builderSetsEverySetting() {
        ReconnectPolicy policy = ReconnectPolicy.of(Duration.ofMillis(10), Duration.ofSeconds(1));
        CmapOptions options = CmapOptions.builder()
                .endpoint(Endpoint.path(Path.of("/run/cmap.sock")))
                .requestTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofMillis(250))
                .serverUidPolicy(ServerUidPolicy.any())
                .maxMessageSize(65536)
                .reconnect(policy)
                .build();
        assertEquals(new Endpoint.SocketPath(Path.of("/run/cmap.sock")), options.endpoint());
        assertEquals(Optional.of(Duration.ofSeconds(2)), options.requestTimeout());
        assertEquals(Duration.ofMillis(250), options.connectTimeout());
        assertEquals(ServerUidPolicy.any(), options.serverUidPolicy());
        assertEquals(65536, options.maxMessageSize());
        assertEquals(Optional.of(policy), options.reconnect());
    }

    @Test
    void toBuilderCopiesAndTheOriginalStaysUnchanged() {
        CmapOptions first = CmapOptions.builder().requestTimeout(Duration.ofSeconds(1)).build();
        CmapOptions second = first.toBuilder().noRequestTimeout().reconnect(ReconnectPolicy.defaults()).build();
        assertEquals(Optional.of(Duration.ofSeconds(1)), first.requestTimeout());
        assertEquals(Optional.empty(), first.reconnect());
        assertEquals(Optional.empty(), second.requestTimeout());
        assertEquals(Optional.of(ReconnectPolicy.defaults()), second.reconnect());
        assertEquals(first, first.toBuilder().build());
        assertEquals(first.hashCode(), first.toBuilder().build().hashCode());
        assertNotEquals(first, second);
        assertEquals(CmapOptions.defaults(), second.toBuilder().requestTimeout(Duration.ofSeconds(1)).noReconnect()
                .build().toBuilder().noRequestTimeout().build());
    }

    @Test
    void builderRejectsBadValuesAtOnce() {
        CmapOptions.Builder builder = CmapOptions.builder();
        assertCmapError(CsError.INVALID_PARAM, () -> builder.endpoint(null));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.requestTimeout(null));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.requestTimeout(Duration.ZERO));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.requestTimeout(Duration.ofMillis(-1)));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.connectTimeout(null));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.connectTimeout(Duration.ZERO));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.connectTimeout(Duration.ofSeconds(-5)));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.serverUidPolicy(null));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.maxMessageSize(0));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.maxMessageSize(-1));
        // timeouts are counted in nanoseconds: longer ones overflowed at initialize
        assertCmapError(CsError.INVALID_PARAM, () -> builder.requestTimeout(Duration.ofSeconds(Long.MAX_VALUE)));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.requestTimeout(CmapOptions.LONGEST_WAIT.plusNanos(1)));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.connectTimeout(Duration.ofDays(200_000)));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.maxMessageSize(8192));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.maxMessageSize(12_327));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.maxMessageSize(64 * 1024 * 1024 + 1));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.maxMessageSize(Integer.MAX_VALUE));
        assertCmapError(CsError.INVALID_PARAM, () -> builder.reconnect(null));
        assertEquals(CmapOptions.defaults(), builder.build(), "rejected values leave the builder unchanged");
    }

    @Test
    void timeoutsUpToTheLongestWaitAreTaken() {
        assertEquals(Duration.ofNanos(Long.MAX_VALUE), CmapOptions.LONGEST_WAIT);
        CmapOptions options = CmapOptions.builder().requestTimeout(CmapOptions.LONGEST_WAIT)
                .connectTimeout(CmapOptions.LONGEST_WAIT).build();
        assertEquals(Optional.of(CmapOptions.LONGEST_WAIT), options.requestTimeout());
        assertEquals(CmapOptions.LONGEST_WAIT, options.connectTimeout());
    }

    /** The bounds: libqb's connection response (12,328 bytes) and the largest size this client accepts, 64 MiB. */
    @Test
    void maxMessageSizeTakesEverySizeFromLibqbsConnectResponseTo64MiB() {
        assertEquals(12_328, CmapOptions.MIN_MAX_MESSAGE_SIZE);
        assertEquals(67_108_864, CmapOptions.MAX_MAX_MESSAGE_SIZE);
        assertEquals(12_328, CmapOptions.builder().maxMessageSize(12_328).build().maxMessageSize());
        assertEquals(67_108_864, CmapOptions.builder().maxMessageSize(67_108_864).build().maxMessageSize());
        CmapException tooSmall = assertThrows(CmapException.class,
                () -> CmapOptions.builder().maxMessageSize(12_327));
        assertTrue(tooSmall.getMessage().contains("12327 outside 12328-67108864 bytes"), tooSmall.getMessage());
    }

    @Test
    void toStringNamesTheSettings() {
        String text = CmapOptions.defaults().toString();
        assertTrue(text.contains("requestTimeout=none"), text);
        assertTrue(text.contains("reconnect=off"), text);
        assertTrue(text.contains("maxMessageSize=524288"), text);
    }

    @Test
    void endpointsValidateNames() {
        assertEquals("cmap", ((Endpoint.LibqbService) Endpoint.defaultEndpoint()).name());
        assertEquals(Endpoint.abstractName("x".repeat(106)), Endpoint.abstractName("x".repeat(106)));
        assertCmapError(CsError.NAME_TOO_LONG, () -> Endpoint.abstractName("x".repeat(107)));
        assertCmapError(CsError.NAME_TOO_LONG, () -> Endpoint.abstractName("\u00e9".repeat(54)));
        assertTrue(assertCmapError(CsError.INVALID_PARAM, () -> Endpoint.abstractName("")).getMessage()
                .startsWith("abstract socket name is empty"));
        assertTrue(assertCmapError(CsError.INVALID_PARAM, () -> Endpoint.abstractName("a\0b")).getMessage()
                .startsWith("abstract socket name has a NUL character at index 1"));
        assertCmapError(CsError.INVALID_PARAM, () -> Endpoint.abstractName(null));
        assertCmapError(CsError.INVALID_PARAM, () -> Endpoint.abstractName("cm\0ap"));
        // an unpaired surrogate has no UTF-8 form: encoded anyway, it became '?', another name
        assertCmapError(CsError.INVALID_PARAM, () -> Endpoint.abstractName("\uD800"));
        assertCmapError(CsError.INVALID_PARAM, () -> new Endpoint.LibqbService("cm\uDC00ap"));
        assertEquals(Path.of("/" + "p".repeat(106)), ((Endpoint.SocketPath) Endpoint.path(Path.of("/" + "p".repeat(106)))).path());
        assertCmapError(CsError.NAME_TOO_LONG, () -> Endpoint.path(Path.of("/" + "p".repeat(107))));
        assertCmapError(CsError.INVALID_PARAM, () -> Endpoint.path(null));
        assertCmapError(CsError.INVALID_PARAM, () -> Endpoint.path(Path.of("")));
    }

    @Test
    void serverUidPolicies() {
        ServerUidPolicy rootOrSelf = ServerUidPolicy.rootOrSelf();
        assertTrue(rootOrSelf.permits(0, 1000));
        assertTrue(rootOrSelf.permits(1000, 1000));
        assertFalse(rootOrSelf.permits(1001, 1000));
        assertTrue(ServerUidPolicy.any().permits(4242, 1000));
        ServerUidPolicy only = ServerUidPolicy.only(189, 0);
        assertTrue(only.permits(189, 1000));
        assertTrue(only.permits(0, 1000));
        assertFalse(only.permits(1000, 1000));
        assertEquals(Set.of(0, 189), ((ServerUidPolicy.Listed) only).uids());
        assertEquals(ServerUidPolicy.only(1), ServerUidPolicy.only(1, 1));
        assertCmapError(CsError.INVALID_PARAM, ServerUidPolicy::only);
        assertCmapError(CsError.INVALID_PARAM, () -> ServerUidPolicy.only((int[]) null));
        assertCmapError(CsError.INVALID_PARAM, () -> ServerUidPolicy.only(-1));
        assertCmapError(CsError.INVALID_PARAM, () -> new ServerUidPolicy.Listed(Set.of()));
        assertCmapError(CsError.INVALID_PARAM, () -> new ServerUidPolicy.Listed(null));
    }

    @Test
    void reconnectPolicies() {
        ReconnectPolicy defaults = ReconnectPolicy.defaults();
        assertEquals(Duration.ofMillis(100), defaults.initialBackoff());
        assertEquals(Duration.ofSeconds(5), defaults.maxBackoff());
        assertSame(ReconnectListener.NONE, defaults.listener());
        ReconnectListener listener = new ReconnectListener() {
        };
        assertSame(listener, defaults.withListener(listener).listener());
        assertEquals(ReconnectPolicy.of(Duration.ofSeconds(1), Duration.ofSeconds(1)).maxBackoff(), Duration.ofSeconds(1));
        assertCmapError(CsError.INVALID_PARAM, () -> ReconnectPolicy.of(Duration.ZERO, Duration.ofSeconds(1)));
        assertCmapError(CsError.INVALID_PARAM, () -> ReconnectPolicy.of(Duration.ofSeconds(-1), Duration.ofSeconds(1)));
        assertCmapError(CsError.INVALID_PARAM, () -> ReconnectPolicy.of(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertCmapError(CsError.INVALID_PARAM, () -> ReconnectPolicy.of(null, Duration.ofSeconds(1)));
        assertCmapError(CsError.INVALID_PARAM, () -> ReconnectPolicy.of(Duration.ofSeconds(1), null));
        // a backoff is waited in nanoseconds: one that does not fit them once killed the reconnect thread
        assertEquals(CmapOptions.LONGEST_WAIT, ReconnectPolicy.of(Duration.ofSeconds(1), CmapOptions.LONGEST_WAIT).maxBackoff());
        assertCmapError(CsError.INVALID_PARAM,
                () -> ReconnectPolicy.of(Duration.ofSeconds(1), CmapOptions.LONGEST_WAIT.plusNanos(1)));
        assertCmapError(CsError.INVALID_PARAM,
                () -> ReconnectPolicy.of(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE)));
        assertCmapError(CsError.INVALID_PARAM, () -> defaults.withListener(null));
    }
}
