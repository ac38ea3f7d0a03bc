{{/* Name of every object. The Lease the operator elects through is always oda-api-operator. */}}
{{- define "oda-api.fullname" -}}
{{- default "oda-api-operator" .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "oda-api.selectorLabels" -}}
app.kubernetes.io/name: oda-api-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "oda-api.labels" -}}
{{ include "oda-api.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* <registry>/<apiopImage>:<apiopVersion>[-<apiopPrereleaseSuffix>], as the Canvas builds it. */}}
{{- define "oda-api.image" -}}
{{- $d := .Values.deployment -}}
{{- $version := default .Chart.AppVersion $d.apiopVersion | toString -}}
{{- if $d.apiopPrereleaseSuffix }}{{ $version = printf "%s-%s" $version $d.apiopPrereleaseSuffix }}{{ end -}}
{{- $registry := ((.Values.global).image).registry -}}
{{- if $registry }}{{ printf "%s/%s:%s" $registry $d.apiopImage $version }}{{ else }}{{ printf "%s:%s" $d.apiopImage $version }}{{ end -}}
{{- end -}}

{{- define "oda-api.pullPolicy" -}}
{{- if .Values.deployment.apiopPrereleaseSuffix }}Always{{ else }}{{ default "IfNotPresent" .Values.deployment.apiopImagePullPolicy }}{{ end -}}
{{- end -}}

{{/* global.imagePullSecrets: names or {name: ...} maps, like the Canvas's helper. */}}
{{- define "oda-api.imagePullSecrets" -}}
{{- with (.Values.global).imagePullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
{{- end }}
{{- end }}
{{- end -}}

{{/* "a,b" -> "-n a -n b", the kopf command line the Canvas builds from the same list. */}}
{{- define "oda-api.namespacesCli" -}}
{{- $flags := list -}}
{{- range splitList "," .Values.deployment.monitoredNamespaces }}{{ with trim . }}{{ $flags = append $flags (printf "-n %s" .) }}{{ end }}{{ end -}}
{{- join " " $flags -}}
{{- end -}}
