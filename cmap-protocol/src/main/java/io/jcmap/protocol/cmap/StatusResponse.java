package io.jcmap.protocol.cmap;

import java.lang.foreign.MemorySegment;

/**
 * Decoder of the responses that are nothing but a header: SET, DELETE, ADJUST_INT,
 * ITER_FINALIZE and SET_CURRENT_MAP.
 */
public final class StatusResponse {
    private StatusResponse() {
    }

    /**
     * @param responseId the {@link CmapResponseId} expected
     * @return the cs_error_t number the server answered
     * @throws CodecException MESSAGE_ERROR for a malformed message or a wrong id (id 0 is
     *                        accepted with an error: corosync's IPC glue refusal); INVALID_PARAM
     *                        if {@code responseId} is not a header-only response
     */
    public static int decode(MemorySegment msg, long length, int responseId) {
        switch (responseId) {
            case CmapResponseId.SET, CmapResponseId.DELETE, CmapResponseId.ADJUST_INT,
                 CmapResponseId.ITER_FINALIZE, CmapResponseId.SET_CURRENT_MAP -> { }
            default -> throw CodecException.invalidParam("response id " + responseId + " is not a header-only response");
        }
        return ResponseFrame.check(msg, length, responseId, ResponseHeaderDescriptor.LENGTH, false);
    }
}
