package dev.lottery.cli;

import picocli.CommandLine;

/** Version line from the jar manifest (falls back to "dev" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = LotteryCli.class.getPackage().getImplementationVersion();
        return new String[] {
                "lottery " + (v == null ? "dev" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
        };
    }
}
