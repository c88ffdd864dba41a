package io.jcmap.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShmFilesTest {

    private static final long PID = 123;

    @ParameterizedTest
    @ValueSource(strings = {"qb-123-4567-18-AbCdEf", "qb-corosync-123-blackbox-data", "qb-corosync-123-blackbox-header"})
    void matchesEntriesNamedAfterTheServerPid(String name) {
        assertTrue(ShmFiles.belongsTo(name, PID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qb-1234-5-6-x", "qb-12-3-4-x", "qb-999-123-18-x", "qb-corosync-1234-blackbox-data",
            "qb-corosync-12-blackbox-data", "sem.qb-123-x", "qb-123", "other-123-x"})
    void ignoresOtherPidsAndClientPids(String name) {
        assertFalse(ShmFiles.belongsTo(name, PID));
    }
}
