package io.fanlab.harness.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the module and package directions of STYLE.md true. */
class ModuleBoundariesTest {
    static JavaClasses all;

    @BeforeAll
    static void importClasses() {
        all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.fanlab");
    }

    @Test
    void engineDependsOnTheJdkOnly() {
        classes().that().resideInAPackage("io.fanlab.engine..")
                // jdk.jfr: the JDK's Flight Recorder API, for the engine's own events (io.fanlab.engine.observe.jfr)
                .should().onlyDependOnClassesThat().resideInAnyPackage("io.fanlab.engine..", "java..", "javax.annotation..", "jdk.jfr..")
                .check(all);
    }

    @Test
    void reportsKnowNothingOfTheHarness() {
        noClasses().that().resideInAPackage("io.fanlab.reports..").should().dependOnClassesThat().resideInAPackage("io.fanlab.harness..").check(all);
    }

    @Test
    void theDesignSpiDoesNotReachIntoTheRunner() {
        noClasses().that().resideInAPackage("io.fanlab.harness.design")
                .should().dependOnClassesThat().resideInAnyPackage("io.fanlab.harness.run..", "io.fanlab.harness.cli..", "io.fanlab.harness.scenario..")
                .check(all);
    }

    @Test
    void modelPackagesDoNotDependOnTheRunnerOrCli() {
        noClasses().that().resideInAnyPackage("io.fanlab.harness.scenario..", "io.fanlab.harness.load..", "io.fanlab.harness.work..",
                        "io.fanlab.harness.fault..", "io.fanlab.harness.dist..", "io.fanlab.harness.stream..", "io.fanlab.harness.queueing..")
                .should().dependOnClassesThat().resideInAnyPackage("io.fanlab.harness.run..", "io.fanlab.harness.cli..")
                .check(all);
    }

    @Test
    void noGrabBagPackages() {
        noClasses().should().resideInAnyPackage("..util..", "..impl..", "..utils..").check(all);
    }
}
