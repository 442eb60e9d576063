/**
 * Reports of experiments: the paper's figures as PNG files and Markdown tables, read from finished units only, so they
 * work on partial results ({@link dev.lottery.report.Report}). The figures are drawn with XChart, an optional
 * dependency of this module: add {@code org.knowm.xchart:xchart} to draw them (on the module path also
 * {@code requires org.knowm.xchart; requires java.desktop;}). Reading results
 * ({@link dev.lottery.report.ExperimentResults}) needs no plotting library.
 */
package dev.lottery.report;
