package io.invalidator;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** {@link ServiceBlackBoxTest} against the packaged application: the jar, or the native executable under -Dnative. */
@QuarkusIntegrationTest
class ServiceBlackBoxIT extends ServiceBlackBoxTest {
}
