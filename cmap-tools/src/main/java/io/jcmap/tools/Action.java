package io.jcmap.tools;

/** What one run does: corosync-cmapctl's {@code enum user_action}. */
enum Action {
    /** {@code -g}: print the named keys. */
    GET,
    /** {@code -s key type value}. */
    SET,
    /** {@code -d}: delete the named keys. */
    DELETE,
    /** {@code -D}: delete every key under the named prefixes. */
    DELETE_PREFIX,
    /** The default: print every key under the named prefixes (all keys without one). */
    PRINT_PREFIX,
    /** {@code -t} / {@code -T}: print changes until "q" or end of input. */
    TRACK,
    /** {@code -p file}: apply a settings file. */
    LOAD,
    /** {@code -C what}: reset statistics. */
    CLEAR_STATS
}
