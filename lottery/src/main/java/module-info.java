/**
 * Lottery-ticket experiments: specifications, engines (local and Slurm), masks and pruning strategies, the
 * controls, the results store, reports and the XOR appendix.
 *
 * <p>The command line ({@code dev.lottery.cli}, Picocli) and the PNG figures of {@code dev.lottery.report} (XChart)
 * need libraries that this module only reads when present ({@code requires static}); their Maven dependencies are
 * optional, so a program that uses the experiment API does not get them.
 */
module dev.lottery.experiment {
    requires transitive dev.lottery.nn;
    requires com.google.gson;
    // The XOR appendix's trainer is written with the Vector API (java --add-modules jdk.incubator.vector); the rest
    // of the module runs without it.
    requires static jdk.incubator.vector;
    requires java.management;
    requires static info.picocli;
    requires static org.knowm.xchart;
    requires static java.desktop;

    exports dev.lottery.experiment;
    exports dev.lottery.experiment.control;
    exports dev.lottery.experiment.slurm;
    exports dev.lottery.prune;
    exports dev.lottery.report;
    exports dev.lottery.xor;
    // Picocli reads the commands' annotated fields reflectively.
    opens dev.lottery.cli to info.picocli;
}
