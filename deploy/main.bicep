// LearningBot on Azure: Container Apps (the web host, scaled out), Cosmos DB (serverless by default, full-text and vector search),
// Azure Bot with the Teams channel, Key Vault for every secret, Application Insights (OpenTelemetry export).
// Deploy into a resource group (see docs/deploy.md):
//   az deployment group create -g <rg> -f deploy/main.bicep -p deploy/main.parameters.example.json -p slackSigningSecret=… …
targetScope = 'resourceGroup'

// ---------------------------------------------------------------- parameters

@description('Short lower-case name used to derive every resource name (3-11 characters, letters and digits).')
@minLength(3)
@maxLength(11)
param name string = 'learnbot'

@description('Azure region for everything (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('Container image of the web host, e.g. myregistry.azurecr.io/learningbot:1.0.0. Empty: a placeholder image, so the infrastructure can be created before the first image is built (then deploy again with the image).')
param containerImage string = ''

@description('Create an Azure Container Registry (Basic) that the app pulls from with its managed identity. Set false when the image is in another registry that allows anonymous pull.')
param createRegistry bool = true

@description('Cosmos DB capacity mode: serverless (pay per request, best for one team to a few hundred people) or provisioned (autoscale RU/s).')
@allowed(['serverless', 'provisioned'])
param cosmosCapacityMode string = 'serverless'

@description('Provisioned mode only: maximum autoscale RU/s of the teams container (it scales down to 10%); deliveries and proactive get autoscale up to 1000 each. Every container has its own throughput: vector search does not work on shared database throughput.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('The container of team data (Storage__Cosmos__TeamsContainer). Change it only to cut over to a new container after a migration (docs/storage.md, "Migrating the teams container").')
param cosmosTeamsContainerName string = 'teams'

@description('How the app signs in to Cosmos DB. ManagedIdentity: no key anywhere (local auth disabled), data-plane role for the app identity. Key: the account key is stored in Key Vault.')
@allowed(['ManagedIdentity', 'Key'])
param cosmosAuth string = 'ManagedIdentity'

@description('Cosmos DB database name (Storage__Cosmos__Database).')
param cosmosDatabaseName string = 'learningbot'

@description('Teams bot identity. SingleTenant: an Entra app registration (botAppId + botAppPassword). UserAssignedMSI: the app\'s managed identity is the bot identity; no password at all.')
@allowed(['SingleTenant', 'UserAssignedMSI'])
param botAppType string = 'SingleTenant'

@description('SingleTenant: the Entra app registration\'s application (client) id. Empty with SingleTenant: no Azure Bot and no Teams endpoint are created (Slack only).')
param botAppId string = ''

@description('SingleTenant: a client secret of that app registration (stored in Key Vault as teams-app-password).')
@secure()
param botAppPassword string = ''

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams are free anyway) or S1.')
@allowed(['F0', 'S1'])
param botSku string = 'F0'

@description('Entra object ids of the people who may change LearningBot settings from Teams (Teams__AdminUserIds).')
param teamsAdminUserIds array = []

@description('Slack app signing secret (Basic Information > App Credentials). Empty: Slack is not enabled.')
@secure()
param slackSigningSecret string = ''

@description('Single-workspace mode: the Bot User OAuth Token (xoxb-…).')
@secure()
param slackBotToken string = ''

@description('Multi-workspace mode (OAuth install at /slack/install): the Slack app\'s client id.')
param slackClientId string = ''

@description('Multi-workspace mode: the Slack app\'s client secret.')
@secure()
param slackClientSecret string = ''

@description('Key that signs private dashboard and export links (Dashboard__SigningKey): at least 32 random characters, e.g. `openssl rand -base64 48`.')
@secure()
@minLength(32)
param dashboardSigningKey string

@description('Replicas: at least 1 (Slack needs an answer within 3 seconds, so no scale to zero). Every replica runs the scheduler safely.')
@minValue(1)
param minReplicas int = 1

@minValue(1)
param maxReplicas int = 3

@description('CPU cores per replica (Container Apps pairs memory with it: 0.5 → 1 GiB, 1 → 2 GiB).')
@allowed(['0.5', '1', '2'])
param cpu string = '0.5'

@description('Application Insights / Log Analytics retention in days.')
@minValue(30)
param logRetentionDays int = 30

@description('Tags on every resource.')
param tags object = { app: 'learningbot' }

// ---------------------------------------------------------------- names

var suffix = uniqueString(resourceGroup().id, name)
var identityName = '${name}-id'
var vaultName = take('${name}kv${suffix}', 24)
var registryName = take('${name}acr${suffix}', 50)
var cosmosName = take('${name}-cosmos-${suffix}', 44)
var workspaceName = '${name}-logs'
var insightsName = '${name}-insights'
var environmentName = '${name}-env'
var appName = '${name}-app'
var botName = '${name}-bot-${suffix}'
var image = empty(containerImage) ? 'mcr.microsoft.com/k8se/quickstart:latest' : containerImage
var placeholder = empty(containerImage)
var serverless = cosmosCapacityMode == 'serverless'
var teamsEnabled = botAppType == 'UserAssignedMSI' || !empty(botAppId)
var memory = {
  '0.5': '1Gi'
  '1': '2Gi'
  '2': '4Gi'
}

// Built-in role definition ids.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002' // Cosmos DB Built-in Data Contributor (data plane)

// ---------------------------------------------------------------- identity, monitoring, secrets

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: insightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    RetentionInDays: logRetentionDays
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: vaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- Cosmos DB (containers and partition keys: docs/storage.md)

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {
  name: cosmosName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      { locationName: location, failoverPriority: 0, isZoneRedundant: false }
    ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    // Full-text search (FullTextContainsAny, FullTextScore) and vector search (the teams container's vector policy,
    // VectorDistance and hybrid RRF queries) are account capabilities.
    capabilities: concat(serverless ? [{ name: 'EnableServerless' }] : [], [{ name: 'EnableNoSQLFullTextSearch' }, { name: 'EnableNoSQLVectorSearch' }])
    disableLocalAuth: cosmosAuth == 'ManagedIdentity'
    minimalTlsVersion: 'Tls12'
  }
}

// No database throughput: containers sharing it cannot use vector search, so each container has its own (provisioned mode).
resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-10-15' = {
  parent: cosmos
  name: cosmosDatabaseName
  properties: {
    resource: { id: cosmosDatabaseName }
  }
}

// Every team-scoped document (the container is defined in teams-container.bicep, which a migration also deploys alone).
module teamsContainer 'teams-container.bicep' = {
  name: 'teams-container'
  params: {
    accountName: cosmos.name
    databaseName: database.name
    containerName: cosmosTeamsContainerName
    serverless: serverless
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
  }
}

// One record per processed platform delivery (idempotency); nothing indexed; TTL on, per item only.
resource deliveriesContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'deliveries'
  properties: {
    resource: {
      id: 'deliveries'
      partitionKey: { paths: ['/scope'], kind: 'Hash', version: 2 }
      defaultTtl: -1
      // The sender (teamId, userId) is indexed for the one query on this container: "forget me" deleting a person's records.
      indexingPolicy: {
        automatic: true
        indexingMode: 'consistent'
        includedPaths: [
          { path: '/teamId/?' }
          { path: '/userId/?' }
        ]
        excludedPaths: [
          { path: '/*' }
        ]
      }
    }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: 1000 } }
  }
}

// What the bot does on its own (conversations, schedules, occurrences, nudges, outbox), partitioned by record kind so
// the scheduler's "what is due" polls stay single-partition (docs/storage.md, "The proactive container").
resource proactiveContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: 'proactive'
  properties: {
    resource: {
      id: 'proactive'
      partitionKey: { paths: ['/pk'], kind: 'Hash', version: 2 }
      indexingPolicy: {
        automatic: true
        indexingMode: 'consistent'
        includedPaths: [
          { path: '/pk/?' }
          { path: '/type/?' }
          { path: '/dueAt/?' }
          { path: '/teamId/?' }
          { path: '/userId/?' }
          { path: '/kind/?' }
          { path: '/isActive/?' }
          { path: '/updatedAt/?' }
          { path: '/conversationKey/?' }
          { path: '/postedMessageId/?' }
          { path: '/scheduledAt/?' }
          { path: '/state/?' }
        ]
        excludedPaths: [
          { path: '/*' }
        ]
        compositeIndexes: [
          [
            { path: '/type', order: 'ascending' }
            { path: '/dueAt', order: 'ascending' }
          ]
          [
            { path: '/type', order: 'ascending' }
            { path: '/conversationKey', order: 'ascending' }
            { path: '/scheduledAt', order: 'descending' }
          ]
        ]
      }
    }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: 1000 } }
  }
}

resource cosmosDataRole 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-10-15' = if (cosmosAuth == 'ManagedIdentity') {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

// ---------------------------------------------------------------- secrets in Key Vault (only the ones given)

var secretDefinitions = [
  { name: 'slack-signing-secret', env: 'Slack__SigningSecret', value: slackSigningSecret }
  { name: 'slack-bot-token', env: 'Slack__BotToken', value: slackBotToken }
  { name: 'slack-client-secret', env: 'Slack__ClientSecret', value: slackClientSecret }
  { name: 'teams-app-password', env: 'MicrosoftAppPassword', value: botAppType == 'SingleTenant' ? botAppPassword : '' }
  { name: 'dashboard-signing-key', env: 'Dashboard__SigningKey', value: dashboardSigningKey }
]
var givenSecrets = filter(secretDefinitions, s => !empty(s.value))

resource secrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = [
  for s in givenSecrets: {
    parent: vault
    name: s.name
    properties: { value: s.value }
  }
]

resource cosmosKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (cosmosAuth == 'Key') {
  parent: vault
  name: 'cosmos-key'
  properties: { value: cosmosAuth == 'Key' ? cosmos.listKeys().primaryMasterKey : '' }
}

// ---------------------------------------------------------------- registry

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = if (createRegistry) {
  name: registryName
  location: location
  tags: tags
  sku: { name: 'Basic' }
  properties: { adminUserEnabled: false }
}

resource registryPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (createRegistry) {
  name: guid(registryName, identity.id, acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- the web host

resource containerEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
  }
}

var fqdn = '${appName}.${containerEnvironment.properties.defaultDomain}'
var publicUrl = 'https://${fqdn}'

var keyVaultSecretRefs = concat(
  map(givenSecrets, s => { name: s.name, keyVaultUrl: '${vault.properties.vaultUri}secrets/${s.name}', identity: identity.id }),
  cosmosAuth == 'Key' ? [{ name: 'cosmos-key', keyVaultUrl: '${vault.properties.vaultUri}secrets/cosmos-key', identity: identity.id }] : []
)
var secretEnv = concat(
  map(givenSecrets, s => { name: s.env, secretRef: s.name }),
  cosmosAuth == 'Key' ? [{ name: 'Storage__Cosmos__Key', secretRef: 'cosmos-key' }] : []
)
var plainEnv = concat([
  { name: 'ASPNETCORE_ENVIRONMENT', value: 'Production' }
  { name: 'Logging__Console__FormatterName', value: 'json' }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', secretRef: 'appinsights-connection-string' }
  { name: 'Storage__Provider', value: 'Cosmos' }
  { name: 'Storage__Cosmos__Endpoint', value: cosmos.properties.documentEndpoint }
  { name: 'Storage__Cosmos__Database', value: cosmosDatabaseName }
  { name: 'Storage__Cosmos__TeamsContainer', value: cosmosTeamsContainerName }
  { name: 'Storage__Cosmos__ConnectionMode', value: 'Direct' }
  { name: 'Storage__Cosmos__Search', value: 'FullText' }
  // DefaultAzureCredential (Cosmos with managed identity) picks the user-assigned identity by its client id.
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'Scheduler__Enabled', value: 'true' }
  { name: 'Playground__Enabled', value: 'false' }
  { name: 'Dashboard__PublicBaseUrl', value: publicUrl }
], serverless ? [] : [
  // Only used for a container the app creates itself (key sign-in): the same per-container autoscale as above.
  { name: 'Storage__Cosmos__AutoscaleMaxThroughput', value: string(cosmosAutoscaleMaxThroughput) }
], empty(slackClientId) ? [] : [
  { name: 'Slack__ClientId', value: slackClientId }
  { name: 'Slack__RedirectUri', value: '${publicUrl}/slack/oauth/callback' }
], !teamsEnabled ? [] : [
  { name: 'MicrosoftAppType', value: botAppType }
  { name: 'MicrosoftAppId', value: botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId }
  { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
], map(range(0, length(teamsAdminUserIds)), i => { name: 'Teams__AdminUserIds__${i}', value: string(teamsAdminUserIds[i]) }))

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    managedEnvironmentId: containerEnvironment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: placeholder ? 80 : 8080
        transport: 'auto'
        allowInsecure: false
      }
      registries: createRegistry ? [{ server: registry!.properties.loginServer, identity: identity.id }] : []
      secrets: concat(keyVaultSecretRefs, [{ name: 'appinsights-connection-string', value: insights.properties.ConnectionString }])
    }
    template: {
      containers: [
        {
          name: 'learningbot'
          image: image
          resources: { cpu: json(cpu), memory: memory[cpu] }
          env: placeholder ? [] : concat(plainEnv, secretEnv)
          probes: placeholder ? [] : [
            { type: 'Liveness', httpGet: { path: '/health/live', port: 8080 }, periodSeconds: 10, failureThreshold: 3 }
            { type: 'Readiness', httpGet: { path: '/health/ready', port: 8080 }, periodSeconds: 10, failureThreshold: 3 }
            { type: 'Startup', httpGet: { path: '/health/live', port: 8080 }, periodSeconds: 2, failureThreshold: 30 }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          { name: 'http', http: { metadata: { concurrentRequests: '50' } } }
        ]
      }
    }
  }
  dependsOn: [
    vaultSecretsUser
    registryPull
    secrets
    cosmosKeySecret
    cosmosDataRole
    teamsContainer
    deliveriesContainer
    proactiveContainer
  ]
}

// ---------------------------------------------------------------- Azure Bot + Teams channel

resource bot 'Microsoft.BotService/botServices@2022-09-15' = if (teamsEnabled) {
  name: botName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: botSku }
  properties: {
    displayName: 'LearningBot'
    endpoint: '${publicUrl}/api/messages'
    msaAppType: botAppType
    msaAppId: botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: botAppType == 'UserAssignedMSI' ? identity.id : null
    developerAppInsightKey: insights.properties.InstrumentationKey
    disableLocalAuth: false
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = if (teamsEnabled) {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// ---------------------------------------------------------------- outputs (no secrets)

@description('Public HTTPS address: Slack request URLs and the Teams messaging endpoint live under it.')
output url string = publicUrl

@description('Host name for the Teams app package (BOT_DOMAIN for scripts/teams-package.sh).')
output botDomain string = fqdn

@description('Bot id for the Teams app package (BOT_ID); empty when Teams is not set up.')
output botId string = teamsEnabled ? (botAppType == 'UserAssignedMSI' ? identity.properties.clientId : botAppId) : ''

@description('Registry to push the image to (az acr build -r <this>).')
output registryName string = createRegistry ? registry!.name : ''

output registryLoginServer string = createRegistry ? registry!.properties.loginServer : ''

output keyVaultName string = vault.name

output cosmosEndpoint string = cosmos.properties.documentEndpoint

output containerAppName string = app.name
