package dev.observability.spring.internal;

import dev.observability.instrument.Instrumentation;
import java.lang.reflect.Method;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Proxies Spring beans whose methods carry an annotation the SDK honours ({@code @Instrumented},
 * {@code @Observed}, {@code @Timed}, {@code @Counted}, {@code @WithSpan}) with Spring AOP, the way
 * Spring proxies {@code @Transactional} beans: a bean already proxied gets one more advisor, any
 * other a class-based proxy, so that it can still be injected by its class. Calls are recorded by
 * {@link Instrumentation#invoke}, exactly as the SDK's own proxies record them; calls a bean makes
 * on itself ({@code this.other()}) bypass the proxy, as with every Spring proxy.
 *
 * <p>Whether a method is recorded is decided once per class and method, when the bean is created (a
 * malformed annotation fails the application's start then). The {@link Instrumentation} is looked
 * up at the first recorded call, so that this post-processor does not start the SDK early.
 * Thread-safe once the context is refreshed.
 */
public final class InstrumentedBeanPostProcessor
    extends AbstractBeanFactoryAwareAdvisingPostProcessor {

  private static final long serialVersionUID = 1L;

  /**
   * A post-processor recording through the instrumentation {@code instrumentation} provides.
   *
   * @param instrumentation resolved at the first recorded call
   */
  public InstrumentedBeanPostProcessor(ObjectProvider<Instrumentation> instrumentation) {
    StaticMethodMatcherPointcut pointcut =
        new StaticMethodMatcherPointcut() {
          @Override
          public boolean matches(Method method, Class<?> targetClass) {
            return !method.isBridge()
                && !method.getDeclaringClass().equals(Object.class)
                && Instrumentation.isRecorded(targetClass, method);
          }
        };
    this.advisor = new DefaultPointcutAdvisor(pointcut, new Interceptor(instrumentation));
    setProxyTargetClass(true);
    // Outermost, like Spring's own observation and transaction advice: the recording covers them.
    setBeforeExistingAdvisors(true);
  }

  /** Records one intercepted call. */
  private static final class Interceptor implements MethodInterceptor {
    private final ObjectProvider<Instrumentation> provider;
    private volatile @Nullable Instrumentation instrumentation;

    Interceptor(ObjectProvider<Instrumentation> provider) {
      this.provider = provider;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
      Instrumentation recorder = instrumentation;
      if (recorder == null) {
        recorder = provider.getIfAvailable();
        if (recorder == null) {
          return invocation.proceed();
        }
        instrumentation = recorder;
      }
      Object target = invocation.getThis();
      Class<?> type =
          target != null ? target.getClass() : invocation.getMethod().getDeclaringClass();
      return recorder.invoke(
          type, invocation.getMethod(), invocation.getArguments(), invocation::proceed);
    }
  }
}
