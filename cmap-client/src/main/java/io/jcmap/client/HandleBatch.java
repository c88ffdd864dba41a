package io.jcmap.client;

import java.lang.ref.Reference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** The {@link CmapBatch} of a {@link ConnectedHandle}: its requests encoded into one {@link RequestBatch}. */
final class HandleBatch implements CmapBatch {
    private final ConnectedHandle handle;
    /**
     * The application's handle: a batch in use keeps it from being closed as dropped (decision
     * 0036). Each call ends with a reachability fence on this batch ({@link #exit}), so it, and so
     * the handle, stay reachable until the call returns.
     */
    private final CmapHandle owner;
    private final RequestBatch requests = new RequestBatch();
    /** Where the handle's asynchronous calls put their requests: into the batch, sent at its flush. */
    private final ConnectedHandle.AsyncTarget atFlush = requests::add;
    /**
     * The thread inside a call, or null: another thread's call meanwhile fails with BUSY. Two
     * threads filling the batch at once corrupted it (an index out of bounds, requests lost with
     * futures that never completed, a broken handle); the hand-over also orders one thread's
     * requests before the next's.
     */
    private final AtomicReference<Thread> user = new AtomicReference<>();
    /** How deep {@link #user}'s calls are nested (a completion action run by a flush may fill the batch); its own. */
    private int depth;

    HandleBatch(ConnectedHandle handle, CmapHandle owner) {
        this.handle = handle;
        this.owner = owner;
    }

    private void enter(String operation, String key) {
        Thread me = Thread.currentThread();
        if (user.get() != me && !user.compareAndSet(null, me)) {
            throw new CmapException(CsError.BUSY, CallName.of(operation, key)
                    + ": the batch is in use by another thread; a batch belongs to the thread that fills it");
        }
        depth++;
    }

    private void exit() {
        if (--depth == 0) {
            user.set(null);
        }
        Reference.reachabilityFence(this); // as the front does: what a compiled call keeps is not for us to guess
    }

    @Override
    public CompletableFuture<CmapValue> getAsync(String key) {
        enter("get", key);
        try {
            return ResponseFuture.keepingUntilDone(handle.getAsync(key, atFlush), owner);
        } finally {
            exit();
        }
    }

    @Override
    public CompletableFuture<Void> setAsync(String key, CmapValue value) {
        enter("set", key);
        try {
            return ResponseFuture.keepingUntilDone(handle.setAsync(key, value, atFlush), owner);
        } finally {
            exit();
        }
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String key) {
        enter("delete", key);
        try {
            return ResponseFuture.keepingUntilDone(handle.deleteAsync(key, atFlush), owner);
        } finally {
            exit();
        }
    }

    @Override
    public CompletableFuture<Void> incAsync(String key) {
        enter("inc", key);
        try {
            return ResponseFuture.keepingUntilDone(handle.adjustAsync("inc", key, 1, atFlush), owner);
        } finally {
            exit();
        }
    }

    @Override
    public CompletableFuture<Void> decAsync(String key) {
        enter("dec", key);
        try {
            return ResponseFuture.keepingUntilDone(handle.adjustAsync("dec", key, -1, atFlush), owner);
        } finally {
            exit();
        }
    }

    @Override
    public int size() {
        return requests.size();
    }

    @Override
    public void flush() {
        enter("flush", null);
        try {
            handle.send(requests);
        } finally {
            exit();
        }
    }

    @Override
    public void close() {
        flush();
    }
}
