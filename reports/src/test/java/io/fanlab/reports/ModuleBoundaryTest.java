package io.fanlab.reports;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The reports module reads run directories only: it must not reach into the harness or the engine. */
@AnalyzeClasses(packages = "io.fanlab.reports", importOptions = ImportOption.DoNotIncludeTests.class)
class ModuleBoundaryTest {

    @ArchTest
    static final ArchRule reportsKnowNothingOfHarnessOrEngine = noClasses().that().resideInAPackage("io.fanlab.reports..")
        .should().dependOnClassesThat().resideInAnyPackage("io.fanlab.harness..", "io.fanlab.engine..");

    @ArchTest
    static final ArchRule analysisDoesNotRender = noClasses().that().resideInAnyPackage("io.fanlab.reports.analysis..",
            "io.fanlab.reports.run..", "io.fanlab.reports.usl..")
        .should().dependOnClassesThat().resideInAnyPackage("io.fanlab.reports.html..", "io.fanlab.reports.junit..");
}
