package io.jcmap.client;

/**
 * Receives the notifications of a track during dispatch, on the thread that dispatches.
 *
 * <p>A listener may use the handle it is given, including closing it. What becomes of an
 * exception it throws is described by the handle's dispatch methods.
 */
@FunctionalInterface
public interface CmapListener {
    /**
     * Called once per notification.
     *
     * @param handle       the handle the track belongs to
     * @param notification the change
     */
    void onNotification(CmapHandle handle, CmapNotification notification);
}
