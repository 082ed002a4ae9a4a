package io.github.gmailoauth.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The set-up behind {@link AppWithGoogle}: before each test a temporary folder, a {@link TestApp}
 * in it (which starts its own stand-in Google) and a {@link Browser}, put into the test instance's
 * fields of those types; after each test the app closed and the folder deleted. Fields are filled
 * by type, as JUnit fills {@code @TempDir} fields, so test bodies read {@code app} and {@code
 * browser} as before.
 */
public final class AppWithGoogleExtension implements BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(AppWithGoogleExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    AppWithGoogle settings =
        AnnotationSupport.findAnnotation(context.getRequiredTestClass(), AppWithGoogle.class)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "@AppWithGoogle is missing on " + context.getRequiredTestClass()));
    Path dir = Files.createTempDirectory("app-with-google-");
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    store.put(Path.class, dir);
    TestApp app = TestApp.start(dir);
    store.put(TestApp.class, app);
    Browser browser = new Browser();
    if (settings.signedIn()) {
      assertEquals(302, app.signIn(browser).statusCode(), "signing in");
      app.google.clearRequests();
    }
    Object test = context.getRequiredTestInstance();
    for (Class<?> type = test.getClass(); type != Object.class; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        if (field.getType() == TestApp.class) {
          field.setAccessible(true);
          field.set(test, app);
        } else if (field.getType() == Browser.class) {
          field.setAccessible(true);
          field.set(test, browser);
        }
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    TestApp app = store.remove(TestApp.class, TestApp.class);
    Path dir = store.remove(Path.class, Path.class);
    try {
      if (app != null) {
        app.close();
      }
    } finally {
      if (dir != null) {
        FileTrees.delete(dir);
      }
    }
  }
}
