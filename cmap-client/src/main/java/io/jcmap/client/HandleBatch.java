package io.jcmap.client;

import java.util.concurrent.CompletableFuture;

/** The {@link CmapBatch} of a {@link ConnectedHandle}: its requests encoded into one {@link RequestBatch}. */
final class HandleBatch implements CmapBatch {
    private final ConnectedHandle handle;
    private final RequestBatch requests = new RequestBatch();

    HandleBatch(ConnectedHandle handle) {
        this.handle = handle;
    }

    @Override
    public CompletableFuture<CmapValue> getAsync(String key) {
        return handle.getAsync(key, requests::add);
    }

    @Override
    public CompletableFuture<Void> setAsync(String key, CmapValue value) {
        return handle.setAsync(key, value, requests::add);
    }

    @Override
    public CompletableFuture<Void> deleteAsync(String key) {
        return handle.deleteAsync(key, requests::add);
    }

    @Override
    public CompletableFuture<Void> incAsync(String key) {
        return handle.adjustAsync("inc", key, 1, requests::add);
    }

    @Override
    public CompletableFuture<Void> decAsync(String key) {
        return handle.adjustAsync("dec", key, -1, requests::add);
    }

    @Override
    public int size() {
        return requests.size();
    }

    @Override
    public void flush() {
        handle.send(requests);
    }

    @Override
    public void close() {
        flush();
    }
}
