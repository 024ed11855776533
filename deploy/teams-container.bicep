// The teams container of LearningBot (docs/storage.md): every team-scoped document, partitioned by team; only the
// filtered/sorted paths are indexed (with composites for filter + ORDER BY), the two full-text fields, and the
// /embedding vector (384 float32, cosine, quantizedFlat), which must exist from the start: a vector policy cannot be
// added to an existing container. Mirrors ContainerDesign.Teams in src/LearningBot.Storage.Cosmos (a test compares them).
// deploy/main.bicep uses it; deployed on its own it creates a new teams container for a migration:
//   az deployment group create -g <rg> -f deploy/teams-container.bicep -p accountName=<account> containerName=teams-v2
targetScope = 'resourceGroup'

@description('The Cosmos DB account (it must have the EnableNoSQLFullTextSearch and EnableNoSQLVectorSearch capabilities).')
param accountName string

@description('The database (Storage__Cosmos__Database).')
param databaseName string = 'learningbot'

@description('The container name (Storage__Cosmos__TeamsContainer).')
param containerName string = 'teams'

@description('True on a serverless account (no throughput); false: the container gets its own autoscale throughput.')
param serverless bool = true

@description('Provisioned accounts only: the container\'s maximum autoscale RU/s (it scales down to 10%).')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' existing = {
  name: accountName
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-10-15' existing = {
  parent: account
  name: databaseName
}

resource teamsContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: { paths: ['/teamId'], kind: 'Hash', version: 2 }
      indexingPolicy: {
        automatic: true
        indexingMode: 'consistent'
        includedPaths: [
          { path: '/teamId/?' }
          { path: '/type/?' }
          { path: '/createdAt/?' }
          { path: '/userId/?' }
          { path: '/recordId/?' }
          { path: '/searchKind/?' }
          { path: '/isPrivate/?' }
          { path: '/occurrenceId/?' }
          { path: '/answered/?' }
          { path: '/authorId/?' }
          { path: '/receiverIds/[]/?' }
          { path: '/embeddingModel/?' }
          { path: '/sourceMessage/?' }
        ]
        excludedPaths: [
          { path: '/*' }
          { path: '/embedding/*' }
        ]
        compositeIndexes: [
          [
            { path: '/type', order: 'ascending' }
            { path: '/createdAt', order: 'descending' }
          ]
          [
            { path: '/type', order: 'ascending' }
            { path: '/userId', order: 'ascending' }
            { path: '/createdAt', order: 'descending' }
          ]
          [
            { path: '/type', order: 'ascending' }
            { path: '/authorId', order: 'ascending' }
            { path: '/createdAt', order: 'descending' }
          ]
        ]
        fullTextIndexes: [
          { path: '/searchTitle' }
          { path: '/searchBody' }
        ]
        vectorIndexes: [
          { path: '/embedding', type: 'quantizedFlat' }
        ]
      }
      fullTextPolicy: {
        defaultLanguage: 'en-US'
        fullTextPaths: [
          { path: '/searchTitle', language: 'en-US' }
          { path: '/searchBody', language: 'en-US' }
        ]
      }
      vectorEmbeddingPolicy: {
        vectorEmbeddings: [
          { path: '/embedding', dataType: 'float32', dimensions: 384, distanceFunction: 'cosine' }
        ]
      }
    }
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

output name string = teamsContainer.name
