export {
  type AlertEvaluation,
  type AlertMetric,
  type AlertObservation,
  type AlertRule,
  type AlertRuleInput,
  type AlertState,
  type AlertTransition,
  alertRuleSchema,
  evaluateAlerts,
  parseAlertRules,
} from './alerts/alert-rules.js';
export {
  type AlertEventPayload,
  type AlertStore,
  monitorAlertEvents,
  openAlertStore,
  type StoredAlert,
} from './alerts/alert-store.js';
export {
  type ColumnQuality,
  checkColumnDataQuality,
  checkDataQuality,
  type DataQualityOptions,
  type DataQualityResult,
  dataQualityOptionsSchema,
  profileOnReference,
} from './data-quality/data-quality.js';
export { builtinDriftTests } from './drift/builtin-drift-tests.js';
export {
  type CategoricalColumnData,
  categoricalColumn,
  categoricalColumnOf,
  columnOf,
  type DriftColumnData,
  type DriftColumnKind,
  type NumericColumnData,
  numericColumn,
  numericColumnOf,
} from './drift/column-data.js';
export { defaultDriftTest } from './drift/default-test.js';
export {
  type ColumnDrift,
  type ColumnDriftOptions,
  type ColumnSet,
  columnDriftOptionsSchema,
  type DriftOptions,
  type DriftResult,
  detectDrift,
  driftOptionsSchema,
} from './drift/detect-drift.js';
export type { DriftTest, DriftTestResult } from './drift/drift-test.js';
export { migrations as monitorMigrations } from './generated/migrations.js';
export {
  driftDashboard,
  grafanaDashboards,
  grafanaProvisioning,
  pipelinesDashboard,
  servingDashboard,
} from './grafana/grafana-dashboards.js';
export { type GrafanaDashboard, type GrafanaPanel, grafanaSchemaVersion } from './grafana/grafana-panels.js';
export { type WriteDashboardsOptions, type WrittenDashboards, writeGrafanaDashboards } from './grafana/write-dashboards.js';
export { openMonitorReader } from './monitors/monitor-reader.js';
export { describeReference, loadReferenceProfile, type MonitorSources, referenceFile } from './monitors/monitor-reference.js';
export type { MonitorRun, MonitorWindowResult } from './monitors/monitor-result.js';
export { checkSchedule, latestDueTick, nextTick } from './monitors/monitor-schedule.js';
export { type MonitorScheduler, type MonitorSchedulerOptions, startMonitorScheduler } from './monitors/monitor-scheduler.js';
export {
  type MonitorSpec,
  type MonitorSpecInput,
  monitorSpecSchema,
  parseAlertExpression,
  parseDurationMs,
  parseMonitorSpec,
} from './monitors/monitor-spec.js';
export {
  type DriftPoint,
  driftPointOf,
  type MonitorStore,
  openMonitorStore,
  referenceProfileName,
  type StoredMonitor,
  type StoredWindowResult,
} from './monitors/monitor-store.js';
export {
  alertWebhookBody,
  type MonitorWebhookOptions,
  monitorWebhookNetworksVariable,
  startMonitorWebhooks,
} from './monitors/monitor-webhooks.js';
export { observationsOf, type RunMonitorOptions, runMonitor } from './monitors/run-monitor.js';
export { type Monitoring, type MonitoringOptions, startMonitoring } from './monitors/start-monitoring.js';
export {
  CategoricalProfile,
  type CategoricalProfileJson,
  type ColumnProfile,
  type ColumnProfileJson,
  type FixedHistogramJson,
  NumericProfile,
  type NumericProfileJson,
} from './profile/column-profile.js';
export { DatasetProfile, type DatasetProfileJson, type ProfileOptions, profileColumnData } from './profile/dataset-profile.js';
export { type FoldPredictionsOptions, foldPredictionLog } from './profile/fold-predictions.js';
export { FrequentValues, type FrequentValuesJson } from './profile/frequent-values.js';
export { predictionRows } from './profile/prediction-rows.js';
export { detectProfileDrift, exactColumnData } from './profile/profile-drift.js';
export { TDigest, type TDigestJson } from './profile/t-digest.js';
export { createMonitorMetrics, type MonitorMetrics, recordDriftMetrics } from './prometheus/monitor-metrics.js';
export {
  type AlertingRule,
  type PrometheusRuleFile,
  type PrometheusRulesOptions,
  prometheusRules,
  prometheusRulesOptionsSchema,
  type RecordingRule,
  type RuleGroup,
  recordedSeries,
  renderPrometheusRules,
} from './prometheus/prometheus-rules.js';
export { type CalibrationJson, calibrate, fitCalibration } from './quality/calibration.js';
export { type CbpeModel, type CbpeOptions, type EstimatedPerformance, estimatePerformance, fitCbpe } from './quality/cbpe.js';
export {
  type ClassificationInput,
  type ClassificationMetrics,
  classificationMetrics,
  rocAuc,
} from './quality/classification-metrics.js';
export { type EstimatedQualityOptions, type EstimatedQualityWindow, estimateQualityWindows } from './quality/estimated-quality.js';
export { type GroundTruth, type LabelStore, openLabelStore } from './quality/label-store.js';
export { type LabelledRow, type LabelledRowsOptions, labelIdsOf, labelledPredictionRows } from './quality/labelled-rows.js';
export { type LabelledWindowOptions, labelledWindowProfile } from './quality/labelled-window.js';
export { type ModelQualityOptions, measureModelQuality, type QualityTask, type QualityWindow } from './quality/model-quality.js';
export { type ReadLabelsOptions, readLabelsFile } from './quality/read-labels.js';
export { type RegressionMetrics, regressionMetrics } from './quality/regression-metrics.js';
export { detectFileDrift, type FileDrift, type FileDriftOptions } from './read/file-drift.js';
export { type FileColumnData, type ReadColumnDataOptions, readColumnData } from './read/read-column-data.js';
export { type DriftReportInput, renderDriftReport } from './report/html-report.js';
export { openProfileStore, type ProfileStore, type ProfileWindow, type StoredProfile } from './store/profile-store.js';
