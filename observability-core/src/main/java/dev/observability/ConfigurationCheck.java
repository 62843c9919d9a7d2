package dev.observability;

import dev.observability.internal.ConfigSources;
import dev.observability.internal.ModuleStarter;
import dev.observability.internal.NearestName;
import dev.observability.scrub.ScrubberConfig;
import dev.observability.spi.ObservabilityModule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check that {@code start()} runs before anything starts: every problem of the configuration,
 * gathered into one {@link ConfigurationException}, then a warning for each name that nothing
 * reads.
 *
 * <p>The problems, in this order: keys whose values do not parse or validate; names in {@code
 * modules.disabled} that match no module; each selected module's own rules ({@link
 * ObservabilityModule#validate}, such as the Sentry DSN); scrubber settings that are valid one by
 * one but not together. Stateless.
 */
final class ConfigurationCheck {

  /** The facade's logger, where these warnings have always been written. */
  private static final Logger logger = LoggerFactory.getLogger(Observability.class);

  private ConfigurationCheck() {}

  /**
   * Checks the configuration of {@code candidates} and returns those to start.
   *
   * @throws ConfigurationException listing every problem found
   */
  static List<ObservabilityModule> modulesToStart(
      List<ObservabilityModule> candidates, ObservabilityConfig config, List<ConfigKey<?>> keys) {
    Set<String> problems = new LinkedHashSet<>(config.problems());
    ModuleStarter.Selection selection = ModuleStarter.select(candidates, config);
    if (!selection.unknownNames().isEmpty()) {
      problems.add(unknownModules(selection.unknownNames(), candidates, config));
    }
    problems.addAll(ModuleStarter.validate(selection.modules(), config, problems));
    problems.addAll(ScrubberConfig.problems(config));
    if (!problems.isEmpty()) {
      throw new ConfigurationException(List.copyOf(problems));
    }
    for (String warning : unknownNameWarnings(config.sources(), keys, candidates)) {
      logger.warn("{}", warning);
    }
    return selection.modules();
  }

  private static String unknownModules(
      List<String> unknown, List<ObservabilityModule> candidates, ObservabilityConfig config) {
    Set<String> present = new TreeSet<>();
    candidates.forEach(m -> present.add(m.name()));
    Set<String> all = new LinkedHashSet<>(present);
    all.addAll(ModuleStarter.SDK_MODULES);
    StringBuilder sb = new StringBuilder("must name modules, comma-separated; ");
    for (int i = 0; i < unknown.size(); i++) {
      String name = unknown.get(i);
      sb.append(i == 0 ? "" : ", ").append('\'').append(name).append('\'');
      String nearest = NearestName.of(name, all, Math.max(2, (name.length() + 1) / 2));
      if (nearest != null) {
        sb.append(" (did you mean '").append(nearest).append("'?)");
      }
    }
    sb.append(unknown.size() == 1 ? " is not one" : " are not")
        .append(". Modules on the class path: ")
        .append(present.isEmpty() ? "none" : String.join(", ", present))
        .append("; the SDK's modules: ")
        .append(String.join(", ", ModuleStarter.SDK_MODULES));
    return config.problem(CoreConfig.MODULES_DISABLED, sb.toString());
  }

  /**
   * One warning per name set that no key reads, with the nearest key of the same kind, or the
   * module that would read it when that module is not on the class path.
   */
  static List<String> unknownNameWarnings(
      ConfigSources sources, List<ConfigKey<?>> keys, List<ObservabilityModule> candidates) {
    Set<String> present = new LinkedHashSet<>();
    candidates.forEach(m -> present.add(m.name().toLowerCase(Locale.ROOT)));
    List<String> warnings = new ArrayList<>();
    for (ConfigSources.Unknown unknown : sources.unknownNames(keys)) {
      String module = absentModule(unknown, present);
      String hint;
      if (module != null) {
        hint =
            ": it belongs to the "
                + module
                + " module, which is not on the class path (add observability-"
                + module
                + " to read it)";
      } else {
        String nearest = nearestKey(unknown, keys);
        hint =
            " by core or by any module on the class path"
                + (nearest == null ? "" : "; did you mean " + nearest + "?");
      }
      warnings.add("observability configuration " + unknown + " is not read" + hint);
    }
    return warnings;
  }

  private static @Nullable String absentModule(ConfigSources.Unknown unknown, Set<String> present) {
    String key = unknown.name().substring(unknown.kind().prefix().length());
    String normalised = key.toLowerCase(Locale.ROOT).replace('_', '.');
    for (String module : ModuleStarter.SDK_MODULES) {
      if (!present.contains(module) && normalised.startsWith(module + ".")) {
        return module;
      }
    }
    return null;
  }

  private static @Nullable String nearestKey(
      ConfigSources.Unknown unknown, List<ConfigKey<?>> keys) {
    Set<String> names = new TreeSet<>();
    for (ConfigKey<?> key : keys) {
      names.add(unknown.kind().nameOf(key));
    }
    int significant = unknown.name().length() - unknown.kind().prefix().length();
    return NearestName.of(unknown.name(), names, Math.max(2, significant / 3));
  }
}
