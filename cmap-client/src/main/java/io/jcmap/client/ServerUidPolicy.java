package io.jcmap.client;

import java.util.Set;
import java.util.HashSet;

/**
 * Which user ids the server process may run as. The client checks the server's credentials
 * when it connects and refuses other servers, so that a process of another user cannot pose
 * as corosync.
 */
public sealed interface ServerUidPolicy {
    /**
     * {@return the default policy: root or the client's own uid} Root (uid 0) is how corosync
     * normally runs, the client's own uid how a test or unprivileged corosync runs.
     */
    static ServerUidPolicy rootOrSelf() {
        return new RootOrSelf();
    }

    /** {@return a policy without check: any server uid is accepted} */
    static ServerUidPolicy any() {
        return new AnyUid();
    }

    /**
     * Exactly the listed uids (root and the client's uid only if listed).
     *
     * @param uids one or more uids, each 0 or more
     * @return the policy
     * @throws CmapException {@link CsError#INVALID_PARAM} when none or a negative uid is given
     */
    static ServerUidPolicy only(int... uids) {
        if (uids == null || uids.length == 0) {
            throw new CmapException(CsError.INVALID_PARAM, "server uid list is empty");
        }
        Set<Integer> set = new HashSet<>();
        for (int uid : uids) {
            set.add(uid);
        }
        return new Listed(set);
    }

    /**
     * Whether a server running as {@code serverUid} may be used.
     *
     * @param serverUid the server's uid, from the socket's peer credentials
     * @param selfUid   the client process's uid
     * @return true when allowed
     */
    boolean permits(int serverUid, int selfUid);

    /** Root or the client's own uid; see {@link ServerUidPolicy#rootOrSelf()}. */
    record RootOrSelf() implements ServerUidPolicy {
        /** The root user's uid. */
        public static final int ROOT_UID = 0;

        @Override
        public boolean permits(int serverUid, int selfUid) {
            return serverUid == ROOT_UID || serverUid == selfUid;
        }
    }

    /** Any uid; see {@link ServerUidPolicy#any()}. */
    record AnyUid() implements ServerUidPolicy {
        @Override
        public boolean permits(int serverUid, int selfUid) {
            return true;
        }
    }

    /**
     * The listed uids; see {@link ServerUidPolicy#only(int...)}.
     *
     * @param uids the allowed uids (copied, unmodifiable)
     */
    record Listed(Set<Integer> uids) implements ServerUidPolicy {
        /**
         * Checks and copies the uids.
         *
         * @throws CmapException {@link CsError#INVALID_PARAM} for null, empty sets, null or negative uids
         */
        public Listed {
            if (uids == null || uids.isEmpty()) {
                throw new CmapException(CsError.INVALID_PARAM, "server uid list is empty");
            }
            for (Integer uid : uids) {
                if (uid == null || uid < 0) {
                    throw new CmapException(CsError.INVALID_PARAM, "server uid " + uid + " is not a uid");
                }
            }
            uids = Set.copyOf(uids);
        }

        @Override
        public boolean permits(int serverUid, int selfUid) {
            return uids.contains(serverUid);
        }
    }
}
