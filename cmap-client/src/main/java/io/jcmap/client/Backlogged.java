package io.jcmap.client;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A request encoded while the window was full, or (with a failure) one the connection
 * refused, or (with a failure and no request) the connection lost.
 */
record Backlogged(PendingRequest pending, MemorySegment bytes, int length, CmapException failure) {

    /** The requests of {@code waiting}, in order. */
    static List<PendingRequest> requestsOf(Collection<Backlogged> waiting) {
        List<PendingRequest> requests = new ArrayList<>(waiting.size());
        for (Backlogged request : waiting) {
            requests.add(request.pending());
        }
        return requests;
    }
}
