{{/*
What the chart knows of each service (not values: the code fixes it). Ports are the services'
defaults (docs/operations.md); calledBy is who opens gRPC connections to it (the gateway's
*_GRPC_URL settings, which name its headless Service so that calls spread over every ready pod;
no other service calls another); secrets lists its secret settings besides
DATABASE_URL (apps/<service>/src/config); consumerGroups the Kafka groups whose lag can drive its
autoscaler, as the setting that names the base group, its default and the suffixes.
*/}}
{{- define "portcullis.catalog" -}}
gateway:
  grpcPort: 50051
  httpPort: 8080
  grpcService: portcullis.gateway.v1.GatewayService
  public: true
  calledBy: []
  calls: [identity, factors, risk, audit]
  secrets: [GATEWAY_ADMIN_TOKEN, GATEWAY_API_KEY_PEPPER, GATEWAY_SIGNING_KEYS]
  optionalSecrets: []
identity:
  grpcPort: 50061
  grpcService: portcullis.identity.v1.IdentityService
  calledBy: [gateway]
  secrets: [IDENTITY_HASH_KEY]
  optionalSecrets: []
factors:
  grpcPort: 50062
  grpcService: portcullis.factors.v1.FactorsService
  calledBy: [gateway]
  secrets: [FACTORS_ENCRYPTION_KEYS, FACTORS_HASH_KEY, CODE_TRANSPORT_KEYS]
  optionalSecrets: []
delivery:
  grpcPort: 50063
  httpPort: 8083
  grpcService: portcullis.delivery.v1.DeliveryService
  calledBy: []
  secrets: [CODE_TRANSPORT_KEYS, DELIVERY_HASH_KEY]
  optionalSecrets: [TWILIO_AUTH_TOKEN, SMS_WEBHOOK_SECRET, SMTP_URL]
  consumerGroups:
    setting: DELIVERY_CONSUMER_GROUP
    default: portcullis-delivery
    suffixes: [""]
risk:
  grpcPort: 50064
  grpcService: portcullis.risk.v1.RiskService
  calledBy: [gateway]
  secrets: []
  optionalSecrets: [RISK_ALERT_WEBHOOK_SECRET]
  consumerGroups:
    setting: RISK_CONSUMER_GROUP
    default: portcullis-risk
    suffixes: ["-attempts", "-delivery"]
audit:
  grpcPort: 50065
  grpcService: portcullis.audit.v1.AuditService
  calledBy: [gateway]
  secrets: []
  optionalSecrets: []
  consumerGroups:
    setting: AUDIT_CONSUMER_GROUP
    default: portcullis-audit
    suffixes: [""]
{{- end }}

{{- define "portcullis.serviceNames" -}}
[gateway, identity, factors, delivery, risk, audit]
{{- end }}

{{- define "portcullis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "portcullis.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one service's objects: <fullname>-<service>. */}}
{{- define "portcullis.componentName" -}}
{{- printf "%s-%s" (include "portcullis.fullname" .root) .service | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "portcullis.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "portcullis.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: portcullis
{{- end }}

{{- define "portcullis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "portcullis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one service's objects; dict root, service. */}}
{{- define "portcullis.componentLabels" -}}
{{ include "portcullis.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{- define "portcullis.componentSelectorLabels" -}}
{{ include "portcullis.selectorLabels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{/* A service's values: serviceDefaults deep-merged under services.<name>. Returns YAML. */}}
{{- define "portcullis.serviceValues" -}}
{{- $own := index .root.Values.services .service | default dict }}
{{- $merged := mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy $own) }}
{{- toYaml $merged }}
{{- end }}

{{- define "portcullis.image" -}}
{{- $image := mergeOverwrite (deepCopy .root.Values.image) (deepCopy (.values.image | default dict)) }}
{{- if $image.digest }}
{{- printf "%s@%s" $image.repository $image.digest }}
{{- else }}
{{- printf "%s:%s" $image.repository (toString ($image.tag | default .root.Chart.AppVersion)) }}
{{- end }}
{{- end }}

{{- define "portcullis.pullPolicy" -}}
{{- $image := mergeOverwrite (deepCopy .root.Values.image) (deepCopy (.values.image | default dict)) }}
{{- $image.pullPolicy | default "IfNotPresent" }}
{{- end }}

{{- define "portcullis.secretName" -}}
{{- .Values.secrets.name | default (printf "%s-secrets" (include "portcullis.fullname" .)) }}
{{- end }}

{{/* The hook Secret the migrate Jobs read when the chart creates the secrets. */}}
{{- define "portcullis.migrateSecretName" -}}
{{- printf "%s-migrate" (include "portcullis.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "portcullis.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- .Values.serviceAccount.name | default (include "portcullis.fullname" .) }}
{{- else }}
{{- .Values.serviceAccount.name | default "default" }}
{{- end }}
{{- end }}

{{/*
Non-secret settings of one service, as a YAML map of strings: config, then what the chart sets,
then services.<name>.env. dict root, service, values.
*/}}
{{- define "portcullis.config" -}}
{{- $root := .root }}
{{- $svc := .service }}
{{- $catalog := include "portcullis.catalog" $root | fromYaml }}
{{- $info := index $catalog $svc }}
{{- $env := dict }}
{{- range $k, $v := $root.Values.config }}
{{- $_ := set $env $k (toString $v) }}
{{- end }}
{{- $_ := set $env "SERVICE" $svc }}
{{- $_ := set $env "GRPC_HOST" "0.0.0.0" }}
{{- $_ := set $env "GRPC_PORT" (toString $info.grpcPort) }}
{{- if $info.httpPort }}
{{- $_ := set $env "HTTP_HOST" "0.0.0.0" }}
{{- $_ := set $env "HTTP_PORT" (toString $info.httpPort) }}
{{- end }}
{{- if $root.Values.metrics.enabled }}
{{- $_ := set $env "METRICS_HOST" "0.0.0.0" }}
{{- $_ := set $env "METRICS_PORT" (toString $root.Values.metrics.port) }}
{{- end }}
{{- $_ := set $env "KAFKA_BROKERS" (required "kafka.brokers is required" $root.Values.kafka.brokers | toString) }}
{{- $_ := set $env "MIGRATE_ON_BOOT" (ternary "false" "true" (and $root.Values.migrations.enabled true)) }}
{{- $_ := set $env "npm_package_version" (toString ((.values.image | default dict).tag | default ($root.Values.image.tag | default $root.Chart.AppVersion))) }}
{{- range $peer := ($info.calls | default list) }}
{{- $peerInfo := index $catalog $peer }}
{{- $_ := set $env (printf "%s_GRPC_URL" (upper $peer)) (printf "dns:///%s-headless:%d" (include "portcullis.componentName" (dict "root" $root "service" $peer)) (int $peerInfo.grpcPort)) }}
{{- end }}
{{- range $k, $v := (.values.env | default dict) }}
{{- $_ := set $env $k (toString $v) }}
{{- end }}
{{- toYaml $env }}
{{- end }}

{{/*
The secret settings of one service as env entries (secretKeyRef). dict root, service, values,
migrate (bool: the hook Job, which reads the hook Secret when the chart creates the secrets).
*/}}
{{- define "portcullis.secretEnv" -}}
{{- $root := .root }}
{{- $svc := .service }}
{{- $catalog := include "portcullis.catalog" $root | fromYaml }}
{{- $info := index $catalog $svc }}
{{- $refs := mergeOverwrite (deepCopy ($root.Values.secrets.refs | default dict)) (deepCopy (.values.secretRefs | default dict)) }}
{{- $given := $root.Values.secrets.values | default dict }}
{{- $chartSecret := ternary (include "portcullis.migrateSecretName" $root) (include "portcullis.secretName" $root) (and .migrate true) }}
{{- $settings := list }}
{{- range $k := concat (list "DATABASE_URL") $info.secrets }}
{{- $settings = append $settings (dict "key" $k "optional" false) }}
{{- end }}
{{- range $k := $info.optionalSecrets }}
{{- $settings = append $settings (dict "key" $k "optional" true) }}
{{- end }}
{{- range $s := $settings }}
{{- $ref := index $refs $s.key }}
{{- if $ref }}
- name: {{ $s.key }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secretRefs.%s.name is required" $s.key) $ref.name }}
      key: {{ $ref.key | default $s.key }}
{{- else if $root.Values.secrets.create }}
{{- if hasKey $given $s.key }}
- name: {{ $s.key }}
  valueFrom:
    secretKeyRef:
      name: {{ $chartSecret }}
      key: {{ $s.key }}
{{- else if not $s.optional }}
{{- fail (printf "secrets.values.%s is required by %s (secrets.create is true); or reference it with secrets.refs.%s" $s.key $svc $s.key) }}
{{- end }}
{{- else }}
- name: {{ $s.key }}
  valueFrom:
    secretKeyRef:
      name: {{ include "portcullis.secretName" $root }}
      key: {{ $s.key }}
      {{- if $s.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod-level settings both Deployments and migrate Jobs share. dict root, service, values. */}}
{{- define "portcullis.podCommon" -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .values.podSecurityContext | nindent 2 }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/* Volumes: /tmp (read-only root filesystem) and the service's extra volumes. */}}
{{- define "portcullis.volumes" -}}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: {{ .values.tmpSizeLimit | default "64Mi" }}
  {{- with .values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{- define "portcullis.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  {{- with .values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* NetworkPolicy peers and ports from a {to, ports} block: `to` empty means any peer. */}}
{{- define "portcullis.egressRule" -}}
- ports:
    {{- toYaml .ports | nindent 4 }}
  {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
