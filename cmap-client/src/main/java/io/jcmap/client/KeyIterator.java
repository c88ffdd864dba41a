package io.jcmap.client;

import java.util.NoSuchElementException;

/** {@link CmapIterator} over one server-side iterator. */
final class KeyIterator implements CmapIterator {
    private final ConnectedHandle handle;
    private final long iterHandle;
    private CmapKeyInfo next;
    private boolean finished;

    KeyIterator(ConnectedHandle handle, long iterHandle) {
        this.handle = handle;
        this.iterHandle = iterHandle;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !finished) {
            next = handle.iterNext(iterHandle);
            if (next == null) {
                close();
            }
        }
        return next != null;
    }

    @Override
    public CmapKeyInfo next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more keys");
        }
        CmapKeyInfo result = next;
        next = null;
        return result;
    }

    @Override
    public void close() {
        if (!finished) {
            finished = true;
            handle.iterFinalize(iterHandle);
        }
    }
}
