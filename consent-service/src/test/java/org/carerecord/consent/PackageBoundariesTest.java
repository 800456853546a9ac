package org.carerecord.consent;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Feature packages depend on each other in one direction only: a cycle makes a package impossible to read,
 * test or move on its own. Wiring packages reach features through small interfaces (marker beans), never
 * the other way round.
 */
@AnalyzeClasses(packages = "org.carerecord.consent", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageBoundariesTest {

    @ArchTest
    static final ArchRule featurePackagesFormNoCycle =
            slices().matching("org.carerecord.consent.(*)..").should().beFreeOfCycles();
}
