package io.jcmap.protocol.cmap;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;

/** Validation shared by the response decoders; every failure is MESSAGE_ERROR. */
final class ResponseFrame {
    /** corosync's IPC glue refuses a request (TRY_AGAIN, INVALID_PARAM) with a bare header of id 0. */
    static final int GLUE_REFUSAL_ID = 0;

    private ResponseFrame() {
    }

    /** Checks the buffer and the header's size field against the received length. */
    static void checkHeader(MemorySegment msg, long length) {
        if (msg == null) {
            throw CodecException.invalidParam("message segment is null");
        }
        if (length < 0 || length > msg.byteSize()) {
            throw CodecException.malformed("received length " + length + " is outside the "
                    + msg.byteSize() + "-byte buffer");
        }
        if (length < ResponseHeaderDescriptor.LENGTH) {
            throw CodecException.malformed("message of " + length + " bytes is shorter than the "
                    + ResponseHeaderDescriptor.LENGTH + "-byte response header");
        }
        int size = size(msg);
        if (size != length) {
            throw CodecException.malformed("header size " + size + " does not match the " + length
                    + " bytes received");
        }
    }

    /**
     * Checks a response to a request: header, id and length. A successful response must carry
     * {@code expectedId} and be exactly {@code fixedLength} bytes (at least, if {@code variable}).
     * An error response is either the fixed part with {@code expectedId} (the CMAP handler's
     * answer) or a bare header with {@code expectedId} or the glue's id 0.
     *
     * @return the header's cs_error_t number
     */
    static int check(MemorySegment msg, long length, int expectedId, int fixedLength, boolean variable) {
        checkHeader(msg, length);
        int id = id(msg);
        int error = error(msg);
        if (error == CsCode.OK) {
            requireId(id, expectedId);
            boolean lengthOk = variable ? length >= fixedLength : length == fixedLength;
            if (!lengthOk) {
                throw CodecException.malformed("successful response " + expectedId + " is " + length
                        + " bytes, expected " + (variable ? "at least " : "") + fixedLength);
            }
        } else if (length == ResponseHeaderDescriptor.LENGTH) {
            if (id != expectedId && id != GLUE_REFUSAL_ID) {
                requireId(id, expectedId);
            }
        } else {
            requireId(id, expectedId);
            if (length != fixedLength) {
                throw CodecException.malformed("error response " + expectedId + " is " + length
                        + " bytes, expected " + fixedLength + " or " + ResponseHeaderDescriptor.LENGTH);
            }
        }
        return error;
    }

    static int id(MemorySegment msg) {
        return msg.get(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ID_OFFSET);
    }

    static int size(MemorySegment msg) {
        return msg.get(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.SIZE_OFFSET);
    }

    static int error(MemorySegment msg) {
        return msg.get(JAVA_INT_UNALIGNED, ResponseHeaderDescriptor.ERROR_OFFSET);
    }

    /**
     * Reads a {@code mar_size_t} length and bounds it by {@code limit} (bytes that can hold it).
     *
     * @throws CodecException MESSAGE_ERROR if the unsigned value exceeds {@code limit}
     */
    static long boundedLength(MemorySegment msg, long offset, long limit, String what) {
        long value = msg.get(JAVA_LONG_UNALIGNED, offset);
        if (value < 0 || value > limit) {
            throw CodecException.malformed(what + " " + Long.toUnsignedString(value) + " exceeds " + limit);
        }
        return value;
    }

    /** An unsigned {@code mar_uint8_t} type field. */
    static int type(MemorySegment msg, long offset) {
        return Byte.toUnsignedInt(msg.get(JAVA_BYTE, offset));
    }

    static MemorySegment requireWrapped(MemorySegment msg) {
        if (msg == null) {
            throw new CodecException(CsCode.LIBRARY, "no valid message wrapped");
        }
        return msg;
    }

    /** Body accessors of an error response fail with the server's own error number. */
    static void requireOk(int error) {
        if (error != CsCode.OK) {
            throw new CodecException(error, "response carries cs error " + error + " and no body");
        }
    }

    private static void requireId(int id, int expectedId) {
        if (id != expectedId) {
            throw CodecException.malformed("expected response id " + expectedId + ", got " + id);
        }
    }
}
