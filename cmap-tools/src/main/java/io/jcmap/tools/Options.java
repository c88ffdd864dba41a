package io.jcmap.tools;

import io.jcmap.client.CmapMap;
import io.jcmap.client.Endpoint;

import java.util.List;

/**
 * One jcmapctl run as the command line asks for it.
 *
 * @param action       what to do
 * @param map          the map to open
 * @param showBinary   {@code -b}
 * @param quiet        {@code -q}
 * @param trackPrefix  whether {@code TRACK} tracks prefixes ({@code -T}) or single keys ({@code -t})
 * @param settingsFile the file of {@code -p}, or null
 * @param clearStats   the argument of {@code -C}, or null
 * @param operands     the non-option arguments
 * @param json         {@code --json}
 * @param endpoint     the endpoint of {@code --socket} / {@code --name}, or null for corosync's default
 * @param sandbox      the {@code --sandbox} request, or null
 */
record Options(Action action, CmapMap map, boolean showBinary, boolean quiet, boolean trackPrefix,
               String settingsFile, String clearStats, List<String> operands, boolean json, Endpoint endpoint,
               SandboxRequest sandbox) {

    Options {
        operands = List.copyOf(operands);
    }
}
