package io.github.gmailoauth.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * For each test of the annotated class, the app on a real Jetty against a fresh stand-in Google
 * ({@link TestApp#start}), closed after the test: the class's {@link TestApp} fields get the app,
 * its {@link Browser} fields a new browser, signed in when {@link #signedIn()} says so. The app is
 * ready before the class's own {@code @BeforeEach} methods run. See {@link AppWithGoogleExtension}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(AppWithGoogleExtension.class)
public @interface AppWithGoogle {

  /**
   * True: the browser has signed in as the stand-in's default user before the test, and the
   * stand-in's record of requests is cleared, so a test sees only its own traffic.
   */
  boolean signedIn() default false;
}
