import { PUBLISH_ROUTES } from '../../../functions/publish/routes';
import { platform } from '../../../shared/platform';

describe('publish function routes', () => {
  it('implements exactly the publish routes of the platform definition', () => {
    const defined = platform.httpRoutes
      .filter((r) => r.function === 'publish')
      .map((r) => `${r.method} ${r.path.slice(platform.apiBasePath.length)}`)
      .sort();
    expect(Object.keys(PUBLISH_ROUTES).sort()).toEqual(defined);
  });
});
