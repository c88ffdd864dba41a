package io.jcmap.client;

/**
 * A change reported to a track: the C callback's arguments ({@code cmap_notify_fn_t}).
 *
 * <p>Absent values are null: on the default map an {@link TrackEvent#ADD} has no old value and
 * a {@link TrackEvent#DELETE} no new value. A {@link TrackEvent#MODIFY} normally has both, but
 * corosync omits the old value for keys it updates in place for speed, so listeners must accept
 * a null old value there too. The stats map ({@link CmapMap#STATS}) sends the same value as new
 * and old value, for ADD and DELETE as well: there a DELETE has a non-null new value.
 *
 * @param trackHandle the handle of the track that fired, as returned when it was added
 * @param event       ADD, DELETE or MODIFY; not null
 * @param key         the key that changed; not null
 * @param newValue    the value after the change, null when absent
 * @param oldValue    the value before the change, null when absent
 */
public record CmapNotification(long trackHandle, TrackEvent event, String key, CmapValue newValue,
        CmapValue oldValue) {
    /**
     * Checks the required fields.
     *
     * @throws CmapException {@link CsError#INVALID_PARAM} for a null event or key, or a
     *                       {@link TrackEvent#PREFIX} event (only a track flag)
     */
    public CmapNotification {
        if (event == null || key == null) {
            throw new CmapException(CsError.INVALID_PARAM, "notification needs an event and a key");
        }
        if (event == TrackEvent.PREFIX) {
            throw new CmapException(CsError.INVALID_PARAM,
                    "notification event must be ADD, DELETE or MODIFY, not PREFIX");
        }
    }
}
