package io.jcmap.client;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a track reports, and what a notification reports: the {@code CMAP_TRACK_*} bits of
 * {@code cmap.h}.
 *
 * <p>A track's flags combine {@link #ADD}, {@link #DELETE} and {@link #MODIFY} with, optionally,
 * {@link #PREFIX}. A notification's event is exactly one of ADD, DELETE and MODIFY.
 */
public enum TrackEvent {
    /** {@code CMAP_TRACK_ADD} (4): a key was created. */
    ADD(4),
    /** {@code CMAP_TRACK_DELETE} (1): a key was deleted. */
    DELETE(1),
    /** {@code CMAP_TRACK_MODIFY} (2): a key's value changed. */
    MODIFY(2),
    /**
     * {@code CMAP_TRACK_PREFIX} (8): the track's key name is a prefix and covers every key
     * starting with it. Only a track flag; corosync never reports it as an event.
     */
    PREFIX(8);

    private static final int ALL_BITS = ADD.bit | DELETE.bit | MODIFY.bit | PREFIX.bit;
    /** Every constant, once: {@code values()} copies its array at each call, and each notification looks up its event. */
    private static final TrackEvent[] ALL = values();

    private final int bit;

    TrackEvent(int bit) {
        this.bit = bit;
    }

    /** {@return the {@code CMAP_TRACK_*} bit} */
    public int bit() {
        return bit;
    }

    /**
     * The {@code track_type} flags for a set of events.
     *
     * <p>Stricter than corosync: corosync accepts 0 and PREFIX alone and creates a track that
     * never fires; such a set is almost surely a mistake, so it is rejected here.
     *
     * @param events ADD, DELETE and/or MODIFY, optionally with PREFIX
     * @return the OR of the bits
     * @throws CmapException {@link CsError#INVALID_PARAM} for null, a null element, an empty
     *                       set, or PREFIX without another event
     */
    public static int toFlags(Set<TrackEvent> events) {
        if (events == null) {
            throw new CmapException(CsError.INVALID_PARAM, "track events are null");
        }
        int flags = 0;
        for (TrackEvent event : events) {
            if (event == null) {
                throw new CmapException(CsError.INVALID_PARAM, "track events contain null");
            }
            flags |= event.bit;
        }
        if ((flags & ~PREFIX.bit) == 0) {
            throw new CmapException(CsError.INVALID_PARAM,
                    "track events " + events + " name none of ADD, DELETE, MODIFY");
        }
        return flags;
    }

    /**
     * The events of a {@code track_type} value. Every combination of the four bits is accepted,
     * 0 included (giving an empty set), as corosync accepts it.
     *
     * @param flags an OR of {@code CMAP_TRACK_*} bits
     * @return an unmodifiable set of the events
     * @throws CmapException {@link CsError#INVALID_PARAM} when other bits are set, as corosync rejects them
     */
    public static Set<TrackEvent> fromFlags(int flags) {
        if ((flags & ~ALL_BITS) != 0) {
            throw new CmapException(CsError.INVALID_PARAM, "unknown track flags 0x" + Integer.toHexString(flags));
        }
        EnumSet<TrackEvent> events = EnumSet.noneOf(TrackEvent.class);
        for (TrackEvent event : ALL) {
            if ((flags & event.bit) != 0) {
                events.add(event);
            }
        }
        return Collections.unmodifiableSet(events);
    }

    /**
     * The event of a notification.
     *
     * @param event the {@code event} number of a notification: 4, 1 or 2
     * @return ADD, DELETE or MODIFY
     * @throws CmapException {@link CsError#INVALID_PARAM} for anything else (PREFIX included)
     */
    public static TrackEvent ofEvent(int event) {
        for (TrackEvent candidate : ALL) {
            if (candidate != PREFIX && candidate.bit == event) {
                return candidate;
            }
        }
        throw new CmapException(CsError.INVALID_PARAM, "unknown track event " + event);
    }
}
