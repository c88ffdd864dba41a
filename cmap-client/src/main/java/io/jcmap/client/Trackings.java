package io.jcmap.client;

import io.jcmap.protocol.cmap.CmapRequests;
import io.jcmap.protocol.cmap.CmapResponseId;
import io.jcmap.protocol.cmap.TrackAddRequestDescriptor;
import io.jcmap.protocol.cmap.TrackAddResponse;
import io.jcmap.protocol.cmap.TrackDeleteRequestDescriptor;
import io.jcmap.protocol.cmap.TrackDeleteResponse;

import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The trackings of a {@link ConnectedHandle}: track_add and track_delete on the handle's
 * connection, each registration kept in its {@link TrackRegistry} under the handle the
 * application holds, and the trackings registered again on the connection a reconnect makes.
 */
final class Trackings {
    private static final int OK = CsError.OK.code();

    private final ConnectedHandle handle;
    private final TrackRegistry tracks;
    // flyweights used only by the thread holding the pipeline's receive lock
    private final TrackAddResponse trackAddResponse = new TrackAddResponse();
    private final TrackDeleteResponse trackDeleteResponse = new TrackDeleteResponse();

    Trackings(ConnectedHandle handle, TrackRegistry tracks) {
        this.handle = handle;
        this.tracks = tracks;
    }

    /**
     * Registers the trackings again on a fresh session, keeping the application's handles. The
     * lost session has broken down, so no tracking is confirmed on it any more
     * (TrackRegistry#confirm): the snapshot misses none. They are bound to the fresh session only
     * once all are registered there: a failed attempt's connection, closed, is bound to none.
     */
    void restore(ConnectedHandle.Session fresh) {
        Pipeline pipeline = fresh.pipeline();
        List<TrackRegistry.Registration> registrations = tracks.confirmed();
        long[] serverHandles = new long[registrations.size()];
        for (int i = 0; i < serverHandles.length; i++) {
            serverHandles[i] = trackAddOn(pipeline, registrations.get(i), null);
        }
        for (int i = 0; i < serverHandles.length; i++) {
            if (!tracks.rebind(registrations.get(i), new TrackRegistry.Binding(pipeline, serverHandles[i]))) {
                // its trackDelete was answered on the lost connection meanwhile: nobody else deletes this one
                trackDeleteUnwaited(pipeline, serverHandles[i]);
            }
        }
    }

    /** cmap_track_add: {@link CmapHandle#trackAdd}. */
    long add(String key, Set<TrackEvent> events, CmapListener listener) {
        String effective = key == null ? "" : key;
        handle.checkOpen("track_add", effective);
        if (listener == null || events == null) {
            throw new CmapException(CsError.INVALID_PARAM,
                    CallName.of("track_add", effective) + ": null events or listener");
        }
        long messageSize = handle.session().connection().maxMessageSize();
        if (messageSize < CmapOptions.MIN_TRACKING_MESSAGE_SIZE) {
            throw new CmapException(CsError.TOO_BIG, CallName.of("track_add", effective) + ": messages of "
                    + messageSize + " bytes are shorter than the longest notification ("
                    + CmapOptions.MIN_TRACKING_MESSAGE_SIZE + " bytes); corosync could send such a one only while"
                    + " it needs no retry, and would then hold back every later notification for good");
        }
        TrackRegistry.Registration registration = tracks.reserve(effective, TrackEvent.toFlags(events), listener);
        Pipeline pipeline = handle.pipeline();
        registration.addedOn = pipeline;
        try {
            // confirmed by the thread that reads the answer, before this wait returns: that may be
            // this one, in a completion action run while it waits, whose dispatch meets the first
            // notification. Only by that thread: a second confirmation that looked before the
            // first settled would write after it, once the listener ran or the tracking was deleted
            trackAddOn(pipeline, registration, trackHandle -> {
                if (!tracks.confirm(registration, pipeline, trackHandle)) {
                    // read after the loss: a reconnect may have missed it, so it fails as the loss
                    // failed the calls in flight (cancelled at once: a dispatch of what the lost
                    // connection holds must not wait for it)
                    tracks.cancel(registration);
                }
            });
            if (registration.binding == null) { // refused, above
                CmapException reason = pipeline.brokenReason();
                throw new CmapException(reason.error(), reason.errno(),
                        CallName.of("track_add", effective) + ": " + reason.context(), reason);
            }
            return registration.userHandle;
        } catch (RuntimeException e) {
            tracks.cancel(registration);
            throw e;
        }
    }

    /**
     * Registers {@code registration} with the server of {@code pipeline}. Should corosync make the
     * tracking after the caller timed out, it is deleted when the late answer comes: the
     * registration is gone here, and its notifications would only be read and dropped.
     *
     * @param answered what the answer's handle does on the thread that reads it, before this
     *                 call returns, or null
     */
    private long trackAddOn(Pipeline pipeline, TrackRegistry.Registration registration, LongConsumer answered) {
        return pipeline.call(new Pipeline.Call<>("track_add", registration.key, CmapResponseId.TRACK_ADD,
                TrackAddRequestDescriptor.LENGTH,
                buffer -> CmapRequests.trackAdd(buffer, registration.key, registration.flags, registration.instance),
                (response, length) -> trackHandle(trackAddResponse.wrap(response, length)),
                (response, length) -> trackDeleteUnwaited(pipeline,
                        trackHandle(new TrackAddResponse().wrap(response, length))),
                false, answered == null ? null : answered::accept));
    }

    private static long trackHandle(TrackAddResponse added) {
        if (added.error() != OK) {
            throw CmapException.ofCode(added.error(), "");
        }
        return added.trackHandle();
    }

    private void trackDeleteUnwaited(Pipeline pipeline, long serverHandle) {
        pipeline.sendUnwaited("track_delete", Long.toUnsignedString(serverHandle), CmapResponseId.TRACK_DELETE,
                TrackDeleteRequestDescriptor.LENGTH, buffer -> CmapRequests.trackDelete(buffer, serverHandle),
                (response, length) -> null);
    }

    /** cmap_track_delete: {@link CmapHandle#trackDelete}. */
    void delete(long trackHandle) {
        handle.checkOpen("track_delete", null);
        TrackRegistry.Registration registration = tracks.byUserHandle(trackHandle);
        // the connection and the server's handle are read together: a reconnect changes both, and
        // a handle sent to the other connection's server would be unknown there (BAD_HANDLE)
        TrackRegistry.Binding target = registration == null
                ? new TrackRegistry.Binding(handle.pipeline(), trackHandle) : registration.binding;
        long serverHandle = target.handle();
        try {
            // sent even if the caller times out while it still waits in the client
            target.pipeline().call(new Pipeline.Call<Void>("track_delete", Long.toUnsignedString(trackHandle),
                    CmapResponseId.TRACK_DELETE, TrackDeleteRequestDescriptor.LENGTH,
                    buffer -> CmapRequests.trackDelete(buffer, serverHandle),
                    (response, length) -> {
                        TrackDeleteResponse deleted = trackDeleteResponse.wrap(response, length);
                        if (deleted.error() != OK) {
                            throw CmapException.ofCode(deleted.error(), "");
                        }
                        return null;
                    }, null, true));
        } catch (CmapException e) {
            if (registration != null && e.error() == CsError.TIMEOUT) {
                // not revoked: corosync executes it when it runs again, so the tracking is over
                // here, and a reconnect must not register it again
                forget(registration, target);
            }
            throw e;
        }
        if (registration != null) {
            forget(registration, target);
        }
    }

    /**
     * Forgets a tracking whose track_delete went to {@code deleted}; should a reconnect have
     * registered it again meanwhile (its snapshot was taken before this), deletes it there too.
     */
    private void forget(TrackRegistry.Registration registration, TrackRegistry.Binding deleted) {
        TrackRegistry.Binding last = tracks.remove(registration, handle.pipeline()::whileWaitingForAnotherThread);
        if (last != null && last.pipeline() != deleted.pipeline()) {
            trackDeleteUnwaited(last.pipeline(), last.handle());
        }
    }
}
